package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// demoLang is the language a demo tells its story in. Numbers, flags and
// commands are the same in every language: a narrator is given the same
// arguments for each, only the sentences around them change.
type demoLang int

const (
	langEN demoLang = iota
	langZH
)

// envLang is the language the environment asks for: Chinese when LC_ALL
// (or, when LC_ALL is unset or empty, LANG) starts with "zh", as in
// zh_CN.UTF-8; English otherwise. LC_ALL overrides LANG as in POSIX.
func envLang() demoLang {
	v := os.Getenv("LC_ALL")
	if v == "" {
		v = os.Getenv("LANG")
	}
	if strings.HasPrefix(strings.ToLower(v), "zh") {
		return langZH
	}
	return langEN
}

// addLangFlag registers --lang on the demo command for it and every topic
// below it.
func addLangFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String("lang", "", `language of the story: zh or en (default: zh when LC_ALL or LANG starts with "zh", else en)`)
}

// langOf reads --lang from a demo command or one of its topics.
func langOf(cmd *cobra.Command) (demoLang, error) {
	s, err := cmd.Flags().GetString("lang")
	if err != nil {
		return langEN, err
	}
	switch strings.ToLower(s) {
	case "":
		return envLang(), nil
	case "en", "english":
		return langEN, nil
	case "zh", "cn", "chinese":
		return langZH, nil
	}
	return langEN, usagef("--lang %q: want zh or en", s)
}

// narrator prints a demo's story in one language.
type narrator struct {
	w    io.Writer
	lang demoLang
}

// say prints en or zh formatted with the same arguments, so both
// languages show the same numbers.
func (n narrator) say(en, zh string, args ...any) {
	fmt.Fprintf(n.w, n.pick(en, zh), args...)
}

// written says which report and plot files a demo wrote: printWritten's
// lines, in the narrator's language.
func (n narrator) written(report, plot string) {
	if n.lang != langZH {
		printWritten(n.w, outFile{"report", report}, outFile{"plot", plot})
		return
	}
	for _, f := range []outFile{{"报告", report}, {"图", plot}} {
		if f.path != "" {
			fmt.Fprintf(n.w, "%s已写入 %s\n", f.what, f.path)
		}
	}
}

// pick returns the sentence in the narrator's language.
func (n narrator) pick(en, zh string) string {
	if n.lang == langZH {
		return zh
	}
	return en
}
