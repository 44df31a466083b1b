#!/usr/bin/env bash
# Installs k6 (the load generator behind `npm run load`), built from the Go module proxy, into
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/k6-<version>/k6 and prints that path. Cached: a second
# run only prints the path. Needs Go 1.24+; the first build takes a few minutes on 2 cores.
#
#   k6="$(infra/scripts/install-k6.sh)" && "$k6" version
#
# The version is pinned exactly: the module proxy does not always answer version lists, and a load
# test's numbers are only comparable between runs of the same k6.
set -euo pipefail

version="${K6_VERSION:-v1.8.1}"
# shellcheck source=go-tool.sh
source "$(dirname "$0")/go-tool.sh"
install_go_tool k6 "$version" "go.k6.io/k6@$version"
