# Shared by the hack/ scripts: tools the project needs, found or installed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTENV_CACHE="${CALICO_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-calico-testenv}"

# ensure_terraform puts a terraform CLI on PATH: the machine's own (1.5 or later), else
# Terraform 1.15 built from the Go module proxy by the test env (cached; about 3 minutes the
# first time).
ensure_terraform() {
  if ! command -v terraform >/dev/null 2>&1; then
    echo "terraform is not on PATH: using Terraform 1.15 from the Go module proxy (built the first time)." >&2
    PATH="$(dirname "$(cli_path terraform-1.15)"):$PATH"
    export PATH
  fi
}

# cli_path prints the path of a CLI the tests run under (terraform-1.15, tofu-1.12), built from
# the Go module proxy and cached by the test env the first time.
cli_path() {
  testenv cli "$1"
}

# testenv runs the local Calico API tool, built once per invocation of a script.
testenv() {
  local tool="$REPO_ROOT/bin/testenv"
  if [ ! -x "$tool" ] || [ -n "$(find "$REPO_ROOT/hack/testenv" "$REPO_ROOT/internal/testenv" -newer "$tool" -name '*.go' | head -1)" ]; then
    (cd "$REPO_ROOT" && go build -o "$tool" ./hack/testenv)
  fi
  (cd "$REPO_ROOT" && "$tool" "$@")
}
