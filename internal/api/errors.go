package api

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	"github.com/gantry-dev/gantry/internal/query"
)

// toConnect translates domain errors into Connect errors. It is the one
// place where gantry decides a request's status; REST maps Connect codes to
// HTTP statuses from there.
func toConnect(err error) error {
	var (
		ce *connect.Error
		qe *query.Error
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return err
	case errors.As(err, &qe):
		return connect.NewError(connect.CodeInvalidArgument, err)
	case errors.Is(err, errNoAccess):
		return connect.NewError(connect.CodePermissionDenied, err)
	case errors.Is(err, errNoScope):
		return connect.NewError(connect.CodeUnauthenticated, err)
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	return connect.NewError(connect.CodeInternal, err)
}

// internal reports a failure that is not the caller's: it is logged, and the
// caller learns only that the server failed.
func (a *API) internal(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if c := toConnect(err); connect.CodeOf(c) != connect.CodeInternal {
		return c
	}
	a.opts.Logger.ErrorContext(ctx, "internal error", "error", err)
	return connect.NewError(connect.CodeInternal, errors.New("internal server error"))
}
