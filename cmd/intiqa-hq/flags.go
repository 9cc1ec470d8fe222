package main

import (
	"flag"
	"fmt"
	"io"
)

// newFlagSet returns a flag set that prints its usage line, then its
// flags, to stderr.
func newFlagSet(name string, stderr io.Writer, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and refuses positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w : %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w : argument inattendu %q", errUsage, fs.Arg(0))
	}
	return nil
}
