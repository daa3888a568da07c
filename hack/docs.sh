#!/usr/bin/env bash
# hack/docs.sh generate: regenerate docs/ from templates/, examples/ and the schema.
# hack/docs.sh check:    fail when docs/ is not what generation produces.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
# tfplugindocs reads the provider's schemas through the terraform on PATH; list resources need
# Terraform 1.14 or later, so this is Terraform 1.15, built by the test env the first time.
PATH="$(dirname "$(cli_path terraform-1.15)"):$PATH"
mode="${1:-generate}"
if [ "$mode" = check ]; then
  before="$(mktemp -d)"
  trap 'rm -rf "$before"' EXIT
  [ -d docs ] && cp -r docs "$before/"
fi
log="$(mktemp)"
run() { "$@" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }; }
run go tool -modfile=tools/go.mod tfplugindocs generate --provider-name calico --rendered-provider-name Calico
run go tool -modfile=tools/go.mod tfplugindocs validate --provider-name calico
rm -f "$log"
if [ "$mode" = check ]; then
  if ! diff -r "$before/docs" docs >/dev/null 2>&1; then
    diff -ru "$before/docs" docs | head -50 >&2 || true
    echo "docs/ is out of date: run 'make generate' and commit the result." >&2
    exit 1
  fi
  echo "docs/ is up to date."
fi
