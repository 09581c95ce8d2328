package query

// Error is a mistake in a query, a filter or a key sent by an API caller.
// Every error returned by Parse, ParseFilter and ParseKey is an *Error. Its
// message is written for the caller: it names the offending place, the
// operator and the expected type, and it never contains SQL.
type Error struct {
	// Path locates the mistake in the JSON document, for example
	// "$filter.$and[1].fare_amount", or names the key's field for ParseKey.
	// It is empty when the mistake concerns the whole document.
	Path string
	// Msg says what is wrong at Path.
	Msg string
}

// Error returns "Path: Msg", or Msg alone when Path is empty.
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func errorAt(path, msg string) *Error {
	return &Error{Path: path, Msg: msg}
}

// child returns the path of key inside the object at path.
func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
