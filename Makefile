# The one command that regenerates gen/ is `make generate`.

GOOGLEAPIS_MODULE := github.com/grpc-ecosystem/grpc-gateway@v1.16.0
BUF := go tool -modfile=tools/go.mod buf

.PHONY: generate lint check-generated test

# google/api/annotations.proto comes from a pinned Go module, linked into
# .gen/ (git-ignored) so that no third-party .proto file is committed.
.gen/googleapis:
	mkdir -p .gen
	go mod download $(GOOGLEAPIS_MODULE)
	ln -sfn "$$(go list -m -f '{{.Dir}}' $(GOOGLEAPIS_MODULE))/third_party/googleapis" .gen/googleapis

generate: .gen/googleapis
	$(BUF) format -w proto
	$(BUF) generate

lint: .gen/googleapis
	$(BUF) lint proto
	$(BUF) format --diff --exit-code proto

# Fails when gen/ differs from what the protos generate.
check-generated: generate
	git diff --exit-code -- gen proto
	test -z "$$(git status --porcelain -- gen proto)"

test:
	go test ./...
