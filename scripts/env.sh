# Sourced by the other scripts: puts Go and the tools `go install` builds
# on PATH.
if [ -x /usr/local/go/bin/go ]; then
	case ":$PATH:" in
	*:/usr/local/go/bin:*) ;;
	*) PATH="/usr/local/go/bin:$PATH" ;;
	esac
fi
if command -v go >/dev/null 2>&1; then
	gopath_bin="$(go env GOPATH)/bin"
	case ":$PATH:" in
	*":$gopath_bin:"*) ;;
	*) PATH="$gopath_bin:$PATH" ;;
	esac
	unset gopath_bin
fi
export PATH
