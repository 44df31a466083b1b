# Sourced by install-*.sh: builds a Go command from the Go module proxy into
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/<name>-<version>/<name>, once, and prints its path.
#
#   install_go_tool <name> <version> <package@version> [ldflags]
install_go_tool() {
  local name="$1" version="$2" package="$3" ldflags="${4:--s -w}"
  local cache="${TRIBUTARY_CACHE_DIR:-$HOME/.cache/tributary}"
  local dir="$cache/$name-$version"
  local bin="$dir/$name"
  if [[ -x "$bin" ]]; then
    echo "$bin"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-$name: Go is needed to build $name $version (https://go.dev/dl/), or put a $name binary at $bin" >&2
    return 1
  fi
  mkdir -p "$cache"
  local work
  work="$(mktemp -d "$cache/.$name-$version.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: the trap must remove this run's folder.
  trap "rm -rf '$work'" EXIT
  echo "install-$name: building $name $version from the Go module proxy (once)" >&2
  # -s -w: no debug symbols (smaller binary, faster link).
  GOBIN="$work" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install -trimpath -ldflags "$ldflags" "$package" >&2
  mkdir -p "$dir"
  # Rename is atomic: a concurrent run never sees a half-written binary.
  mv -f "$work/$name" "$bin"
  echo "$bin"
}
