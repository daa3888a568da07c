# Shared by the hack/ scripts: tools the project needs, found or installed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTENV_CACHE="${CALICO_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-calico-testenv}"
TERRAFORM_VERSION="1.11"

# ensure_terraform checks that a terraform CLI (1.5 or later) is on PATH. It cannot be built
# from the Go module proxy (its go.mod replaces internal backends with nested modules), so a
# machine without it needs it installed first.
ensure_terraform() {
  if ! command -v terraform >/dev/null 2>&1; then
    echo "terraform is not on PATH: install Terraform ${TERRAFORM_VERSION} (or any 1.5+) and run again." >&2
    exit 1
  fi
}

# testenv runs the local Calico API tool, built once per invocation of a script.
testenv() {
  local tool="$REPO_ROOT/bin/testenv"
  if [ ! -x "$tool" ] || [ -n "$(find "$REPO_ROOT/hack/testenv" "$REPO_ROOT/internal/testenv" -newer "$tool" -name '*.go' | head -1)" ]; then
    (cd "$REPO_ROOT" && go build -o "$tool" ./hack/testenv)
  fi
  (cd "$REPO_ROOT" && "$tool" "$@")
}
