package cmd

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// cobra takes a flag's first backquoted word as its value placeholder
// (pflag UnquoteUsage), so `infra up` in a help string printed as
// "--out infra up"; no flag's help may quote with backquotes.
func TestFlagHelpHasNoBackquotes(t *testing.T) {
	root := NewRoot(newTestFactory(io.Discard, io.Discard, strings.NewReader(""), false, nil))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if strings.Contains(fl.Usage, "`") {
				t.Errorf("%s --%s: help %q quotes with backquotes", c.CommandPath(), fl.Name, fl.Usage)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
