#!/bin/sh
# Runs a Python test with Debian's interpreter, which has python3-h5py and python3-numpy.
exec /usr/bin/python3 "$@"
