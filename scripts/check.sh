#!/usr/bin/env bash
# Sets up the machine, then runs every check of Intiqa: formatting, vet,
# staticcheck, the headquarters build without cgo (and without Fyne), the
# whole test suite with the race detector, including the desktop smoke
# test under Xvfb, and the release build (scripts/dist.sh), whose Windows
# program and Linux package are checked. Prints a summary; exits non-zero
# if any check failed.
#
# Screenshots of the smoke test go to $INTIQA_SCREENSHOT_DIR (default:
# a folder under $TMPDIR).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh

export INTIQA_SCREENSHOT_DIR="${INTIQA_SCREENSHOT_DIR:-${TMPDIR:-/tmp}/intiqa-screenshots}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

results=()
failed=0
started=$SECONDS

# step NAME COMMAND...: runs one check and records its outcome.
step() {
	local name=$1 t0=$SECONDS status=ok
	shift
	printf '\n== %s\n' "$name"
	if ! "$@"; then
		status=FAILED
		failed=$((failed + 1))
	fi
	results+=("$(printf '%-28s %-7s %4ss' "$name" "$status" $((SECONDS - t0)))")
}

check_gofmt() {
	local out
	out="$(gofmt -l .)"
	if [ -n "$out" ]; then
		printf 'not formatted with gofmt:\n%s\n' "$out"
		return 1
	fi
}

build_hq() {
	CGO_ENABLED=0 go build -o "$tmp/" ./cmd/...
}

# check_no_fyne fails if the headquarters programs import Fyne.
check_no_fyne() {
	local deps
	deps="$(CGO_ENABLED=0 go list -deps ./cmd/... | grep '^fyne\.io/' || true)"
	if [ -n "$deps" ]; then
		printf 'cmd/ imports Fyne:\n%s\n' "$deps"
		return 1
	fi
}

step "gofmt" check_gofmt
step "go vet" go vet ./...
step "staticcheck" staticcheck ./...
step "build cmd (CGO_ENABLED=0)" build_hq
step "no Fyne under cmd/" check_no_fyne
step "go test -race" go test -race -count=1 -timeout 25m ./...
step "dist: packages, checked" bash scripts/dist.sh

printf '\n== summary\n'
printf '%s\n' "${results[@]}"
printf 'screenshots: %s\n' "$INTIQA_SCREENSHOT_DIR"
printf 'total: %ss, %d failed\n' $((SECONDS - started)) "$failed"
[ "$failed" -eq 0 ]
