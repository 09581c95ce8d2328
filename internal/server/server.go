// Package server assembles gantry: it opens the store, loads the data, builds
// every protocol's handlers behind one interceptor chain and serves them on
// the configured listeners.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"

	"github.com/gantry-dev/gantry/gen/dozer/auth/authconnect"
	"github.com/gantry-dev/gantry/gen/dozer/common/commonconnect"
	"github.com/gantry-dev/gantry/gen/dozer/health/healthconnect"
	"github.com/gantry-dev/gantry/gen/gantry/endpoints"
	"github.com/gantry-dev/gantry/gen/gantry/v1/gantryv1connect"
	"github.com/gantry-dev/gantry/internal/api"
	"github.com/gantry-dev/gantry/internal/auth"
	"github.com/gantry-dev/gantry/internal/config"
	"github.com/gantry-dev/gantry/internal/endpoint"
	"github.com/gantry-dev/gantry/internal/grpcweb"
	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/rest"
	"github.com/gantry-dev/gantry/internal/store"
	"github.com/gantry-dev/gantry/internal/ui"
)

// shutdownGrace is how long in-flight requests may run after a stop signal.
const shutdownGrace = 20 * time.Second

// Options configures a Server.
type Options struct {
	Config config.Config
	Logger *slog.Logger
	// Endpoints defaults to every endpoint generated from proto/.
	Endpoints []endpoint.Registration
	// Interceptors run after the guard on every Connect handler; tests use
	// them to observe calls.
	Interceptors []connect.Interceptor
	// Authority overrides the one built from the configuration.
	Authority *auth.Authority
}

// Server is a configured gantry server.
type Server struct {
	cfg     config.Config
	log     *slog.Logger
	store   *store.SQLite
	catalog *api.Catalog
	handler http.Handler

	mu        sync.Mutex
	listeners []net.Listener
}

// New opens the store under the home directory, loads any table that is
// missing or stale, and builds the handlers. Close releases the store.
func New(ctx context.Context, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Endpoints == nil {
		opts.Endpoints = endpoints.All()
	}
	catalog, err := api.NewCatalog(opts.Endpoints)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(filepath.Join(opts.Config.HomeDir, "store.db"))
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: opts.Config, log: opts.Logger, store: st, catalog: catalog}
	if err := Load(ctx, s.cfg, s.log, catalog, st, LoadOptions{KeepOld: true}); err != nil {
		st.Close()
		return nil, err
	}
	authority := opts.Authority
	if authority == nil {
		if authority, err = s.authority(); err != nil {
			st.Close()
			return nil, err
		}
	}
	if s.handler, err = s.build(ctx, authority, opts.Interceptors); err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// Handler returns the handler that serves every protocol.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// Close releases the store.
func (s *Server) Close() error {
	return s.store.Close()
}

func (s *Server) build(ctx context.Context, authority *auth.Authority, extra []connect.Interceptor) (http.Handler, error) {
	cfg := s.cfg
	services := api.New(s.catalog, s.store, api.Options{
		Limits:     query.Limits{Default: cfg.API.DefaultMaxNumRecords, Max: cfg.API.MaxNumRecords},
		Dynamic:    cfg.Flags.Dynamic,
		PushEvents: cfg.Flags.PushEvents,
		ServerURL:  "http://" + publicAddr(cfg.API.REST),
		Logger:     s.log,
		Authority:  authority,
	})
	guard := api.NewGuard(authority, s.catalog, cfg.Flags.AuthenticateServerReflection)
	opts := []connect.HandlerOption{
		connect.WithInterceptors(append([]connect.Interceptor{guard}, extra...)...),
		connect.WithReadMaxBytes(4 << 20),
		connect.WithCodec(api.Codec()),
		// On a LAN, compressing small replies costs more than it saves.
		connect.WithCompressMinBytes(64 << 10),
	}

	procedures := http.NewServeMux()
	var names []string
	mount := func(path string, h http.Handler) {
		procedures.Handle(path, h)
		names = append(names, path[1:len(path)-1])
	}
	mount(commonconnect.NewCommonGrpcServiceHandler(services.Common(), opts...))
	mount(healthconnect.NewHealthGrpcServiceHandler(services.Health(), opts...))
	mount(gantryv1connect.NewRestServiceHandler(services.Root(), opts...))
	if authority != nil {
		mount(authconnect.NewAuthGrpcServiceHandler(services.Tokens(), opts...))
	}
	var routes []rest.Register
	for _, e := range s.catalog.Entries() {
		hs := e.Registration.Handlers(services.Backend(e), opts...)
		for i, h := range hs {
			// The first handler is the typed service, served only when dynamic.
			if i == 0 && !cfg.Flags.Dynamic {
				continue
			}
			mount(h.Path, h.Handler)
		}
		routes = append(routes, e.Registration.RegisterREST)
	}
	mount(grpchealth.NewHandler(grpchealth.NewStaticChecker(names...), opts...))

	reflector := grpcreflect.NewStaticReflector(names...)
	reflectOpts := opts
	if !cfg.Flags.AuthenticateServerReflection {
		reflectOpts = []connect.HandlerOption{connect.WithInterceptors(extra...)}
	}
	procedures.Handle(grpcreflect.NewHandlerV1(reflector, reflectOpts...))
	procedures.Handle(grpcreflect.NewHandlerV1Alpha(reflector, reflectOpts...))

	restHandler, err := rest.NewHandler(ctx, procedures, routes)
	if err != nil {
		return nil, err
	}
	top := http.NewServeMux()
	top.Handle("/", restHandler)
	// The explorer's files hold no data; it calls the APIs with the user's token.
	top.Handle("/ui/", http.StripPrefix("/ui", ui.Handler()))
	top.Handle("GET /ui", http.RedirectHandler("/ui/", http.StatusMovedPermanently))
	for _, name := range append(names, grpcreflect.ReflectV1ServiceName, grpcreflect.ReflectV1AlphaServiceName) {
		top.Handle("/"+name+"/", procedures)
	}
	var h http.Handler = top
	if !cfg.Flags.GRPCWeb {
		h = refuseGRPCWeb(h)
	}
	h = grpcweb.Handler(h, grpcweb.Options{AllowedOrigins: cfg.API.CORSOrigins})
	return reserveStacks(logRequests(s.log, h)), nil
}

// authority builds the token authority from api_security, or returns nil
// when security is off.
func (s *Server) authority() (*auth.Authority, error) {
	secret, err := Secret(s.cfg, s.log)
	if err != nil || secret == nil {
		return nil, err
	}
	return auth.NewAuthority(secret, auth.Options{Leeway: time.Duration(s.cfg.API.JWTLeeway)})
}

// Listen binds the configured listeners; a port of 0 picks a free one.
func (s *Server) Listen() error {
	for _, l := range []config.Listener{s.cfg.API.REST, s.cfg.API.GRPC} {
		if !l.Enabled {
			continue
		}
		ln, err := net.Listen("tcp", l.Addr())
		if err != nil {
			s.closeListeners()
			return fmt.Errorf("listen on %s: %w", l.Addr(), err)
		}
		s.mu.Lock()
		s.listeners = append(s.listeners, ln)
		s.mu.Unlock()
		s.log.Info("listening", "addr", ln.Addr().String())
	}
	if len(s.listeners) == 0 {
		return errors.New("both api.rest and api.grpc are disabled: nothing to serve")
	}
	return nil
}

// Addrs returns the bound addresses, REST first.
func (s *Server) Addrs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.listeners))
	for i, ln := range s.listeners {
		out[i] = ln.Addr().String()
	}
	return out
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ln := range s.listeners {
		ln.Close()
	}
	s.listeners = nil
}

// Serve serves every protocol on the bound listeners until ctx ends, then
// shuts down gracefully: in-flight requests may finish, streams are told to
// end.
func (s *Server) Serve(ctx context.Context) error {
	base, stopStreams := context.WithCancel(context.Background())
	defer stopStreams()
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler:           s.handler,
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(stopStreams)

	errc := make(chan error, len(s.listeners))
	for _, ln := range s.listeners {
		go func() { errc <- srv.Serve(bufferedListener{ln}) }()
	}
	select {
	case err := <-errc:
		srv.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Clients that hold streams open past the grace period are cut off.
		s.log.Warn("grace period over, closing remaining connections", "error", err)
		srv.Close()
	}
	return nil
}

// publicAddr is the REST address written into OpenAPI documents.
func publicAddr(l config.Listener) string {
	host := l.Host
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, fmt.Sprint(l.Port))
}
