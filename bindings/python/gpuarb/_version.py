"""Versions of this binding and of the gpuarb.h it was written against."""
BINDING_VERSION = '0.1.0'
# The header this binding's declarations follow (GPUARB_VERSION_MAJOR/MINOR/PATCH).
# tests/test_binding.py compares it with include/gpuarb.h, so a header change the
# binding has not followed fails make test.
HEADER_VERSION = (0, 1, 0)
