# The one command that regenerates gen/ is `make generate`.

GOOGLEAPIS_MODULE := github.com/grpc-ecosystem/grpc-gateway@v1.16.0
BUF := go tool -modfile=tools/go.mod buf

.PHONY: generate lint check-generated test ui check-ui

# google/api/annotations.proto comes from a pinned Go module, linked into
# .gen/ (git-ignored) so that no third-party .proto file is committed.
.gen/googleapis:
	mkdir -p .gen
	go mod download $(GOOGLEAPIS_MODULE)
	ln -sfn "$$(go list -m -f '{{.Dir}}' $(GOOGLEAPIS_MODULE))/third_party/googleapis" .gen/googleapis

# The explorer's code generator and build tools, pinned in
# web/package-lock.json.
web/node_modules: web/package.json web/package-lock.json
	npm ci --prefix web
	touch $@

generate: .gen/googleapis web/node_modules
	$(BUF) format -w proto
	$(BUF) generate

lint: .gen/googleapis
	$(BUF) lint proto
	$(BUF) format --diff --exit-code proto

# Fails when gen/ or the explorer's client differ from what the protos
# generate.
check-generated: generate
	git diff --exit-code -- gen proto web/src/gen
	test -z "$$(git status --porcelain -- gen proto web/src/gen)"

# Builds the explorer from web/ into internal/ui/dist, which the binary
# embeds, so that building gantry needs no npm.
ui: web/node_modules
	npm run build --prefix web

# Fails when internal/ui/dist differs from what web/ builds.
check-ui: ui
	@status="$$(git status --porcelain -- internal/ui/dist)"; \
	if [ -n "$$status" ]; then \
		echo "internal/ui/dist is not what web/ builds; run make ui and commit:"; \
		echo "$$status"; exit 1; \
	fi

test:
	go test -timeout 30m ./...
