#!/bin/sh
# Print the Python that `make` builds .venv with, or say what to install and fail.
#
# $PYTHON when it is set (it must be 3.11 or newer); otherwise the first of
# python3.11, python3.12, python3.13 and python3 on the PATH whose version is
# 3.11 to 3.13: the pinned packages (requirements*.txt) are installed and tested
# on those, and a newer Python may lack wheels for some of them.
set -u

NEEDED="Python 3.11 is needed: apt-get install python3.11 python3.11-venv, or set PYTHON=/path/to/python3.11"

# "3.12" for a Python 3.12, nothing for anything that is not a Python.
version_of() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# Whether version $1 (major.minor) lies in [3.11, $2) where $2 is a minor number bound.
in_range() {
    major=${1%%.*}
    minor=${1#*.}
    case "$major$minor" in *[!0-9]*|"") return 1 ;; esac
    [ "$major" -eq 3 ] && [ "$minor" -ge 11 ] && [ "$minor" -lt "$2" ]
}

if [ -n "${PYTHON:-}" ]; then
    version=$(version_of "$PYTHON")
    if in_range "$version" 1000; then
        echo "$PYTHON"
        exit 0
    fi
    echo "PYTHON=$PYTHON is not Python 3.11 or newer (${version:-it does not run}). $NEEDED" >&2
    exit 1
fi

for candidate in python3.11 python3.12 python3.13 python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if in_range "$(version_of "$path")" 14; then
        echo "$path"
        exit 0
    fi
done
echo "$NEEDED" >&2
exit 1
