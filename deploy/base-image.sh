#!/bin/sh
# A Python base image built from Debian packages, for networks that reach a Debian mirror and a
# Python package index but not Docker Hub (a government intranet; this project's build machine).
#
#   deploy/base-image.sh [TAG] [SUITE]        # default wenzheng-base:trixie, Debian trixie
#   BASE_CA=/path/site-ca.crt deploy/base-image.sh
#       # also trust the site's own certificate authority (a TLS-inspecting proxy in front of the
#       # package index), system-wide and for pip
#   BASE_MIRROR=http://mirror.example.gov.cn/debian deploy/base-image.sh
#   BASE_ENGINE=podman deploy/base-image.sh   # default: docker if present, else podman
#
# Then build the application image on it (deploy/Dockerfile takes the base as a build argument):
#   docker build -f deploy/Dockerfile --build-arg PYTHON_IMAGE=wenzheng-base:trixie --target app \
#       -t wenzheng:latest .
#
# Needs mmdebstrap (Debian package) and runs as root. The image holds python3 (3.12 or later:
# trixie has 3.13), venv, CA certificates and the account tools the Dockerfile uses: what
# python:3.12-slim gives the Dockerfile, from the distribution's own packages.
set -eu

TAG=${1:-wenzheng-base:trixie}
SUITE=${2:-trixie}
MIRROR=${BASE_MIRROR:-}
if [ -n "${BASE_ENGINE:-}" ]; then
    ENGINE=$BASE_ENGINE
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    ENGINE=docker
else
    ENGINE=podman
fi
command -v mmdebstrap >/dev/null 2>&1 || { echo "base-image: mmdebstrap is needed (apt-get install mmdebstrap)" >&2; exit 2; }

set -- --variant=apt --include=python3,python3-venv,python-is-python3,ca-certificates,passwd
if [ -n "${BASE_CA:-}" ]; then
    [ -r "$BASE_CA" ] || { echo "base-image: cannot read BASE_CA=$BASE_CA" >&2; exit 2; }
    set -- "$@" \
        --customize-hook="upload $BASE_CA /usr/local/share/ca-certificates/site-ca.crt" \
        --customize-hook='chroot "$1" update-ca-certificates'
fi
# No package lists or caches in the image.
set -- "$@" --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*'

# The tarball goes straight into the engine; the pip and SSL variables make pip (and Python's ssl)
# use the system's bundle, which then includes BASE_CA.
mmdebstrap "$@" "$SUITE" - ${MIRROR:+"$MIRROR"} |
    "$ENGINE" import \
        --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' \
        - "$TAG"
"$ENGINE" run --rm "$TAG" python --version
