package api

import (
	"encoding/json"
	"strings"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

// openAPI describes an endpoint's four data routes, with only the fields g
// shows, as an OpenAPI 3.0 document.
func openAPI(ep *schema.Endpoint, g *Grant, serverURL string) ([]byte, error) {
	props := map[string]any{}
	required := []string{}
	for i, f := range ep.Fields {
		if !g.visible(i) {
			continue
		}
		s := fieldSchema(f.Type)
		if f.Nullable {
			s["nullable"] = true
		} else {
			required = append(required, f.Name)
		}
		props[f.Name] = s
	}
	props[schema.RecordIDField] = map[string]any{"type": "integer", "format": "int64"}
	props[schema.RecordVersionField] = map[string]any{"type": "integer", "format": "int32"}

	ref := func(name string) map[string]any {
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	ok := func(desc string, schema any) map[string]any {
		return map[string]any{"200": map[string]any{
			"description": desc,
			"content":     map[string]any{"application/json": map[string]any{"schema": schema}},
		}}
	}
	queryBody := map[string]any{
		"required": false,
		"content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"type": "object", "description": "A JSON query: $filter, $order_by, $limit, $skip, $after"},
		}},
	}
	idType := map[string]any{"type": "string"}
	if len(ep.PrimaryKey) == 1 {
		idType = fieldSchema(ep.Fields[ep.PrimaryKey[0]].Type)
	}
	array := ep.Table + "_array"
	doc := map[string]any{
		"openapi": "3.0.0",
		"info":    map[string]any{"title": strings.ToUpper(ep.Table), "version": "1.0.0"},
		"servers": []any{map[string]any{"url": serverURL}},
		"tags":    []any{map[string]any{"name": ep.Table}},
		"paths": map[string]any{
			ep.Path: map[string]any{"get": map[string]any{
				"operationId": "list-" + ep.Table, "tags": []string{ep.Table},
				"responses": ok("the first page of records", ref(array)),
			}},
			ep.Path + "/{id}": map[string]any{"get": map[string]any{
				"operationId": ep.Table + "-by-id", "tags": []string{ep.Table},
				"parameters": []any{map[string]any{
					"name": "id", "in": "path", "required": true, "schema": idType,
				}},
				"responses": ok("the record", ref(ep.Table)),
			}},
			ep.Path + "/count": map[string]any{"post": map[string]any{
				"operationId": "count-" + ep.Table, "tags": []string{ep.Table},
				"requestBody": queryBody,
				"responses":   ok("the number of matching records", map[string]any{"type": "integer"}),
			}},
			ep.Path + "/query": map[string]any{"post": map[string]any{
				"operationId": "query-" + ep.Table, "tags": []string{ep.Table},
				"requestBody": queryBody,
				"responses":   ok("the matching records", ref(array)),
			}},
		},
		"components": map[string]any{"schemas": map[string]any{
			ep.Table: map[string]any{"type": "object", "properties": props, "required": required},
			array:    map[string]any{"type": "array", "items": ref(ep.Table)},
		}},
	}
	return json.Marshal(doc)
}

func fieldSchema(t typespb.Type) map[string]any {
	switch t {
	case typespb.Type_UInt, typespb.Type_Int:
		return map[string]any{"type": "integer", "format": "int64"}
	case typespb.Type_Float:
		return map[string]any{"type": "number", "format": "double"}
	case typespb.Type_Boolean:
		return map[string]any{"type": "boolean"}
	case typespb.Type_Timestamp:
		return map[string]any{"type": "string", "format": "date-time"}
	case typespb.Type_Date:
		return map[string]any{"type": "string", "format": "date"}
	}
	return map[string]any{"type": "string"}
}
