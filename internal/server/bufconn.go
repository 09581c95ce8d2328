package server

import (
	"bufio"
	"net"
)

// bufferedListener gives every accepted connection a read buffer. Go's
// HTTP/2 server reads each frame's 9-byte header and then its payload
// straight from the socket, two system calls per frame; through the buffer
// one call takes in every frame that has arrived.
type bufferedListener struct{ net.Listener }

func (l bufferedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &bufferedConn{Conn: c, r: bufio.NewReaderSize(c, 16<<10)}, nil
}

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// CloseWrite keeps net/http's graceful close of HTTP/1.1 connections.
func (c *bufferedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
