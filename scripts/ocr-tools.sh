#!/usr/bin/env bash
# Debian tools the parsers call for older and harder files (issue 17):
#   antiword                           Word 97-2003 .doc → text
#   tesseract-ocr, tesseract-ocr-dan   OCR of PDF pages without a text layer (Danish model)
#
#   scripts/ocr-tools.sh install   apt-get install them (root; a no-op when present)
#   scripts/ocr-tools.sh check     exit 1 naming what is missing
set -euo pipefail

missing() {
    command -v antiword >/dev/null || echo antiword
    command -v tesseract >/dev/null || echo tesseract-ocr
    if command -v tesseract >/dev/null && ! tesseract --list-langs 2>/dev/null | grep -qx dan; then
        echo tesseract-ocr-dan
    elif ! command -v tesseract >/dev/null; then
        echo tesseract-ocr-dan
    fi
}

case "${1:-}" in
install)
    packages=$(missing | tr '\n' ' ')
    if [ -z "$packages" ]; then exit 0; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $packages
    ;;
check)
    packages=$(missing | tr '\n' ' ')
    if [ -n "$packages" ]; then echo "missing: $packages (scripts/ocr-tools.sh install)" >&2; exit 1; fi
    ;;
*)
    echo "usage: $0 install|check" >&2
    exit 2
    ;;
esac
