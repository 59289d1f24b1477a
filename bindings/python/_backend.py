"""A PEP 517 build backend for this package that needs only the standard library.

pip builds in an isolated environment and would fetch setuptools from an index; this
backend lets `pip install bindings/python` work offline.  It writes a pure-Python wheel
(the gpuarb package, METADATA, WHEEL, RECORD) and an sdist of this folder.
"""
import base64
import hashlib
import io
import os
import tarfile
import zipfile

NAME = 'gpuarb'
HERE = os.path.dirname(os.path.abspath(__file__))


def _version():
    with open(os.path.join(HERE, NAME, '_version.py')) as f:
        for line in f:
            if line.startswith('BINDING_VERSION'):
                return line.split('=')[1].strip().strip('\'"')
    raise RuntimeError('no BINDING_VERSION in gpuarb/_version.py')


def _metadata():
    with open(os.path.join(HERE, 'README.md')) as f:
        readme = f.read()
    return ('Metadata-Version: 2.1\nName: %s\nVersion: %s\n'
            'Summary: Python binding of libgpuarb: GPU cost arbitrage, allocation and packing\n'
            'License: MIT\nRequires-Python: >=3.8\n'
            'Description-Content-Type: text/markdown\n\n%s' % (NAME, _version(), readme))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def _record_line(arc, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    return '%s,sha256=%s,%d' % (arc, digest, len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    ver = _version()
    dist = '%s-%s.dist-info' % (NAME, ver)
    wheel = '%s-%s-py3-none-any.whl' % (NAME, ver)
    files = []
    for fn in sorted(os.listdir(os.path.join(HERE, NAME))):
        if fn.endswith('.py') or fn == 'py.typed':
            with open(os.path.join(HERE, NAME, fn), 'rb') as f:
                files.append(('%s/%s' % (NAME, fn), f.read()))
    files.append((dist + '/METADATA', _metadata().encode()))
    files.append((dist + '/WHEEL', b'Wheel-Version: 1.0\nGenerator: gpuarb _backend\n'
                                   b'Root-Is-Purelib: true\nTag: py3-none-any\n'))
    record = [_record_line(a, d) for a, d in files] + [dist + '/RECORD,,']
    files.append((dist + '/RECORD', ('\n'.join(record) + '\n').encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), 'w', zipfile.ZIP_DEFLATED) as z:
        for arc, data in files:
            z.writestr(zipfile.ZipInfo(arc, (2020, 1, 1, 0, 0, 0)), data)
    return wheel


def build_sdist(sdist_directory, config_settings=None):
    ver = _version()
    base = '%s-%s' % (NAME, ver)
    path = os.path.join(sdist_directory, base + '.tar.gz')
    with tarfile.open(path, 'w:gz') as t:
        for root, dirs, names in os.walk(HERE):
            dirs[:] = [d for d in dirs if d not in ('__pycache__', 'build', 'dist')]
            for n in sorted(names):
                if n.endswith('.pyc'):
                    continue
                full = os.path.join(root, n)
                t.add(full, arcname=os.path.join(base, os.path.relpath(full, HERE)))
        pkg_info = _metadata().encode()
        info = tarfile.TarInfo(base + '/PKG-INFO')
        info.size = len(pkg_info)
        t.addfile(info, io.BytesIO(pkg_info))
    return os.path.basename(path)
