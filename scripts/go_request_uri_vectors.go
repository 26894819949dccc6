// Runs URLs through Go's url.ParseRequestURI and Mattermost's IsValidHTTPURL rule (docs/MATTERMOST.md,
// Appendix B.2), to record the expected values in tests/unit/core/test_request_uri.py.
//
//	go run scripts/go_request_uri_vectors.go < urls.json    (a JSON array of strings; prints one JSON line each)
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
)

func isValidHTTPURL(rawURL string) bool {
	if strings.Index(rawURL, "http://") != 0 && strings.Index(rawURL, "https://") != 0 {
		return false
	}
	if u, err := url.ParseRequestURI(rawURL); err != nil || u.Scheme == "" || u.Host == "" {
		return false
	}
	return true
}

func main() {
	var urls []string
	if err := json.NewDecoder(os.Stdin).Decode(&urls); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, runtime.Version())
	out := json.NewEncoder(os.Stdout)
	for _, raw := range urls {
		row := map[string]any{"url": raw, "valid": isValidHTTPURL(raw)}
		if u, err := url.ParseRequestURI(raw); err != nil {
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err
			}
			row["error"] = err.Error()
		} else {
			row["host"] = u.Host
		}
		_ = out.Encode(row)
	}
}
