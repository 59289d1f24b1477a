#!/bin/sh
# tests/test_install.sh - `make install` into a temporary DESTDIR, then build and run a
# program against it with nothing but `pkg-config --cflags --libs gpuarb`, then
# `make uninstall` and check that no file is left behind.
#
#   sh tests/test_install.sh [BUILD]     (run by make test; BUILD defaults to build)
#
# What it checks, each a thing a packager relies on:
#   - every installed file is the one the Makefile promises (header, libgpuarb.a,
#     libgpuarb.so.X.Y.Z with SONAME libgpuarb.so.X and the two symlinks, gpuarb.pc,
#     the command, both man pages) and nothing else;
#   - the shared library's SONAME is libgpuarb.so.MAJOR (readelf);
#   - gpuarb.pc's prefix is PREFIX, not DESTDIR (DESTDIR is staging only);
#   - a C program and examples/optimize.c compiled with the pkg-config flags alone (no
#     -I/-L of this tree) link and run against the installed .so;
#   - the same program links statically with `pkg-config --static`;
#   - `make uninstall` removes every file it installed.
set -eu
BUILD=${1:-build}
MAKE=${MAKE:-make}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/root"
prefix=/opt/gpuarb-test
fail=0
bad() { echo "test_install: FAIL: $*" >&2; fail=1; }

major=$(sed -n 's/^#define GPUARB_VERSION_MAJOR \([0-9]*\).*/\1/p' include/gpuarb.h)
minor=$(sed -n 's/^#define GPUARB_VERSION_MINOR \([0-9]*\).*/\1/p' include/gpuarb.h)
patch=$(sed -n 's/^#define GPUARB_VERSION_PATCH \([0-9]*\).*/\1/p' include/gpuarb.h)
ver=$major.$minor.$patch

$MAKE --no-print-directory -s install BUILD="$BUILD" PREFIX=$prefix DESTDIR="$dest" >/dev/null

# The exact list of files and links (sorted), as the Makefile's install promises it.
(cd "$dest" && find . \( -type f -o -type l \) | sort) > "$tmp/got"
sort > "$tmp/want" <<LIST
.$prefix/bin/gpuarb
.$prefix/include/gpuarb.h
.$prefix/lib/libgpuarb.a
.$prefix/lib/libgpuarb.so
.$prefix/lib/libgpuarb.so.$major
.$prefix/lib/libgpuarb.so.$ver
.$prefix/lib/pkgconfig/gpuarb.pc
.$prefix/share/man/man1/gpuarb.1
.$prefix/share/man/man3/libgpuarb.3
LIST
diff -u "$tmp/want" "$tmp/got" >&2 || bad "installed files differ from the list"

lib="$dest$prefix/lib"
[ "$(readlink "$lib/libgpuarb.so")" = "libgpuarb.so.$major" ] || bad "libgpuarb.so does not point at libgpuarb.so.$major"
[ "$(readlink "$lib/libgpuarb.so.$major")" = "libgpuarb.so.$ver" ] || bad "libgpuarb.so.$major does not point at libgpuarb.so.$ver"
soname=$(readelf -d "$lib/libgpuarb.so.$ver" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libgpuarb.so.$major" ] || bad "SONAME is '$soname', not libgpuarb.so.$major"
grep -qx "prefix=$prefix" "$lib/pkgconfig/gpuarb.pc" || bad "gpuarb.pc's prefix is not $prefix"
grep -q "$dest" "$lib/pkgconfig/gpuarb.pc" && bad "gpuarb.pc names the staging DESTDIR"

# pkg-config resolves ${prefix} to the real prefix; the sysroot variable maps it into DESTDIR,
# as a packager's staging build does.
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
pkg-config --exists gpuarb || bad "pkg-config does not find gpuarb"
[ "$(pkg-config --modversion gpuarb)" = "$ver" ] || bad "gpuarb.pc's version is not $ver"
cat > "$tmp/v.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <gpuarb.h>
int main(void)
{
    gpuarb_ctx *ctx = NULL;
    gpuarb_catalog *cat = NULL;
    if (gpuarb_version_number() != GPUARB_VERSION_NUMBER || gpuarb_ctx_create(&ctx) ||
        gpuarb_catalog_builtin(ctx, &cat) || gpuarb_catalog_count(cat) == 0)
        return 1;
    printf("%s ok\n", gpuarb_version_string());
    gpuarb_catalog_free(cat);
    gpuarb_ctx_free(ctx);
    return 0;
}
C
# shellcheck disable=SC2046
cc -o "$tmp/v" "$tmp/v.c" $(pkg-config --cflags --libs gpuarb) || bad "build with pkg-config flags"
out=$(LD_LIBRARY_PATH="$lib" "$tmp/v" 2>&1) || bad "the pkg-config build does not run: $out"
[ "$out" = "$ver ok" ] || bad "the pkg-config build printed '$out', not '$ver ok'"
# Linked against the installed .so (its SONAME), not this tree's.
ldd_out=$(LD_LIBRARY_PATH="$lib" ldd "$tmp/v" | grep libgpuarb || true)
case $ldd_out in *"$lib/libgpuarb.so.$major"*) ;; *) bad "the program did not load $lib/libgpuarb.so.$major: $ldd_out" ;; esac
# The shipped example too, built the way examples/README.md tells an installed user to.
# shellcheck disable=SC2046
cc -o "$tmp/optimize" examples/optimize.c $(pkg-config --cflags --libs gpuarb) || bad "examples/optimize.c with pkg-config"
LD_LIBRARY_PATH="$lib" "$tmp/optimize" examples/spec.yaml > "$tmp/plan" 2>&1 || bad "examples/optimize against the installed library: $(cat "$tmp/plan")"
# shellcheck disable=SC2046
cc -o "$tmp/vs" "$tmp/v.c" -static-libgcc $(pkg-config --cflags gpuarb) "$lib/libgpuarb.a" \
   $(pkg-config --static --libs-only-l gpuarb | sed 's/-lgpuarb//') || bad "static build with pkg-config --static"
[ "$("$tmp/vs")" = "$ver ok" ] || bad "the static build does not run"
# The installed command runs from where it was put.
[ "$("$dest$prefix/bin/gpuarb" --version 2>&1 | head -n 1 | grep -c "$ver")" = 1 ] || bad "installed gpuarb --version"

$MAKE --no-print-directory -s uninstall PREFIX=$prefix DESTDIR="$dest" >/dev/null
left=$(cd "$dest" && find . \( -type f -o -type l \) | sort)
[ -z "$left" ] || bad "make uninstall left: $left"

if [ $fail = 0 ]; then echo "test_install: installed $(wc -l < "$tmp/want") files under DESTDIR$prefix, built with pkg-config, uninstalled every one"; fi
exit $fail
