// Package scaffold writes and checks endpoint .proto files: the one file per
// endpoint under proto/dozer/generated that `make generate` turns into every
// piece of server code the endpoint needs.
//
// Render writes a file from an Endpoint, keeping field numbers stable across
// edits; Breaking asks `buf breaking` whether proposed files stay compatible
// with the current tree. Names and FilePath give the names Dozer's clients
// expect. Everything here is safe for concurrent use.
package scaffold
