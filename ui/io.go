// Package ui renders plans, diagnostics and engine events for people (human,
// with colour when the terminal allows), for pull requests (markdown) and for
// machines (JSON). It knows no flags: cmd decides which view to use.
package ui

import (
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/term"
)

// IO is the set of streams a command talks to, injected so tests can drive
// commands without a terminal.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	OutTTY bool // Out is an interactive terminal
	ErrTTY bool // Err is an interactive terminal, so progress can redraw in place
	InTTY  bool // In is an interactive terminal, so prompts can be answered
	Color  bool // colour and styling are allowed on Out and Err
}

// System returns the process's streams. Colour is on only for a terminal and
// when neither NO_COLOR nor noColor asks otherwise.
func System(noColor bool) *IO {
	outTTY := isTerminal(os.Stdout)
	_, noColorEnv := os.LookupEnv("NO_COLOR")
	return &IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		OutTTY: outTTY,
		ErrTTY: isTerminal(os.Stderr),
		InTTY:  isTerminal(os.Stdin),
		// one flag styles both streams, so both must be terminals: escapes
		// must never reach a redirected log
		Color: outTTY && isTerminal(os.Stderr) && !noColor && !noColorEnv && os.Getenv("TERM") != "dumb",
	}
}

// isTerminal asks the terminal driver (isatty): /dev/null is a character
// device too, but nobody can answer a prompt on it.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// Theme holds the styles of every human view, bound to one writer.
type Theme struct {
	Error, Warning, OK, Hint, Dim, Bold, Accent, Create, Update, Delete, Replace lipgloss.Style
	// Width is the writer's width when it is a terminal, else 0: long
	// prose is wrapped at word boundaries to it (Wrap), never in a file.
	Width int
}

// textOut is where a human view of stdout writes, and its styles.
type textOut struct {
	w io.Writer
	t Theme
}

func stdoutText(io *IO) textOut { return textOut{io.Out, NewTheme(io.Out, io.Color)} }

// NewTheme returns styles for w; without colour every style renders plain text.
func NewTheme(w io.Writer, color bool) Theme {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	width := 0
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		width = termWidth(f)
	}
	return Theme{
		Width:   width,
		Error:   s().Foreground(lipgloss.Color("9")).Bold(true),
		Warning: s().Foreground(lipgloss.Color("11")).Bold(true),
		OK:      s().Foreground(lipgloss.Color("10")).Bold(true),
		Hint:    s().Foreground(lipgloss.Color("14")),
		Dim:     s().Foreground(lipgloss.Color("8")),
		Bold:    s().Bold(true),
		Accent:  s().Foreground(lipgloss.Color("12")),
		Create:  s().Foreground(lipgloss.Color("10")),
		Update:  s().Foreground(lipgloss.Color("11")),
		Delete:  s().Foreground(lipgloss.Color("9")),
		Replace: s().Foreground(lipgloss.Color("13")),
	}
}

// Wrap breaks text at word boundaries so that no line, with the indent
// columns already printed before it, is wider than the terminal; the lines
// after the first start with indent spaces. Off a terminal (Width 0), or
// when too little room is left, text is returned as is.
func (t Theme) Wrap(text string, indent int) string {
	room := t.Width - 1 - indent
	if t.Width == 0 || room < 20 {
		return text
	}
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		wl := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case n+1+wl > room:
			b.WriteString("\n" + strings.Repeat(" ", indent))
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += wl
	}
	return b.String()
}
