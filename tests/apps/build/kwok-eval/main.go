// Command kwok-eval runs kwok's own query and template engines, the packages
// its Stage selectors (jq, by gojq) and statusTemplates (Go templates with
// sprig) are evaluated with, on JSON objects: the tests check what the sim's
// stages compute from a pod without a cluster.
//
// Stdin: {"query": "<jq>", "template": "<Go template>", "objects": [...]}.
// Stdout: one {"query": [...], "template": "..."} per object. A query that
// fails gives null, as kwok's selectors see it.
package main

import (
	"context"
	"encoding/json"
	"log"
	"os"

	"sigs.k8s.io/kwok/pkg/utils/expression"
	"sigs.k8s.io/kwok/pkg/utils/gotpl"
)

type request struct {
	Query    string `json:"query"`
	Template string `json:"template"`
	Objects  []any  `json:"objects"`
}

type result struct {
	Query    []any  `json:"query"`
	Template string `json:"template"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		log.Fatalf("reading the request: %v", err)
	}
	var query *expression.Query
	if req.Query != "" {
		q, err := expression.NewQuery(req.Query)
		if err != nil {
			log.Fatalf("the query does not compile: %v", err)
		}
		query = q
	}
	renderer := gotpl.NewRenderer(nil)
	out := make([]result, 0, len(req.Objects))
	for _, obj := range req.Objects {
		var r result
		if query != nil {
			found, err := query.Execute(context.Background(), obj)
			if err != nil {
				log.Fatalf("the query: %v", err)
			}
			r.Query = found
		}
		if req.Template != "" {
			text, err := renderer.ToText(req.Template, obj)
			if err != nil {
				log.Fatalf("the template: %v", err)
			}
			r.Template = string(text)
		}
		out = append(out, r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		log.Fatal(err)
	}
}
