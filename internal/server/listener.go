package server

import (
	"bufio"
	"bytes"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// bufferedListener gives every accepted connection a read buffer, and
// HTTP/2 connections a write combiner.
//
// Go's HTTP/2 server reads each frame's 9-byte header and then its payload
// straight from the socket, two system calls per frame; through the buffer
// one call takes in every frame that has arrived.
//
// That server also writes each frame of a reply with its own system call:
// a unary gRPC reply is a HEADERS, a DATA and a trailing HEADERS frame, each
// flushed alone because the handler waits for one before it sends the
// next. The combiner takes a flush at once and sends it from a separate
// goroutine, so that the frames that follow join it in one call. Writes
// therefore succeed before they reach the socket; a failed send is
// reported by the writes after it, as a broken connection is.
type bufferedListener struct{ net.Listener }

func (l bufferedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newBufferedConn(c), nil
}

func newBufferedConn(c net.Conn) *bufferedConn {
	b := &bufferedConn{Conn: c, r: bufio.NewReaderSize(c, readBuffer)}
	b.w.conn = c
	b.w.done = sync.NewCond(&b.w.mu)
	return b
}

// http2Preface opens every HTTP/2 connection.
var http2Preface = []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
	// http2 is decided by the first bytes read, before anything is written.
	checked bool
	http2   atomic.Bool
	w       combiner
}

func (c *bufferedConn) Read(p []byte) (int, error) {
	if !c.checked {
		c.checked = true
		c.http2.Store(c.startsWithPreface())
	}
	return c.r.Read(p)
}

// startsWithPreface waits for the first bytes and reports whether they are
// HTTP/2's preface. It never waits for more bytes than a client sends: it
// asks for more only while what has arrived is a strict prefix of the
// preface, which no HTTP/1.1 request is.
func (c *bufferedConn) startsWithPreface() bool {
	for want := 1; ; {
		_, err := c.r.Peek(want) // waits for want bytes, or an error
		head, _ := c.r.Peek(min(c.r.Buffered(), len(http2Preface)))
		switch {
		case !bytes.HasPrefix(http2Preface, head):
			return false
		case len(head) == len(http2Preface):
			return true
		case err != nil:
			return false
		}
		want = len(head) + 1
	}
}

func (c *bufferedConn) Write(p []byte) (int, error) {
	if !c.http2.Load() {
		return c.Conn.Write(p)
	}
	return c.w.write(p)
}

// CloseWrite keeps net/http's graceful close of HTTP/1.1 connections.
func (c *bufferedConn) CloseWrite() error {
	if err := c.w.drain(); err != nil {
		return err
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Close sends what was accepted, giving a slow peer closeFlushTimeout to
// take it, then closes the connection.
func (c *bufferedConn) Close() error {
	c.Conn.SetWriteDeadline(time.Now().Add(closeFlushTimeout))
	c.w.drain()
	return c.Conn.Close()
}

const closeFlushTimeout = time.Second

const (
	// readBuffer holds many small frames; reads of larger payloads bypass it.
	readBuffer = 4 << 10
	// combinerLimit bounds the bytes taken but not yet sent; beyond it,
	// writers wait, so a peer that stops reading still holds back the
	// server.
	combinerLimit = 256 << 10
	// spareLimit is the largest buffer kept between sends, so that an idle
	// connection holds little memory.
	spareLimit = 16 << 10
)

// combiner collects writes and sends them from one goroutine at a time, in
// order. A failed send fails every later write.
type combiner struct {
	conn    net.Conn
	mu      sync.Mutex
	done    *sync.Cond // broadcast after each send
	pending []byte
	spare   []byte
	sending bool
	err     error
}

func (w *combiner) write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.err == nil && len(w.pending) > 0 && len(w.pending)+len(p) > combinerLimit {
		w.done.Wait()
	}
	if w.err != nil {
		return 0, w.err
	}
	w.pending = append(w.pending, p...)
	if !w.sending {
		w.sending = true
		go w.send()
	}
	return len(p), nil
}

// send writes the pending bytes until none are left. It yields first, so
// that the goroutines producing the rest of a reply can add to it.
func (w *combiner) send() {
	runtime.Gosched()
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.pending) > 0 && w.err == nil {
		buf := w.pending
		w.pending = w.spare[:0]
		w.mu.Unlock()
		_, err := w.conn.Write(buf)
		w.mu.Lock()
		w.spare = nil
		if cap(buf) <= spareLimit {
			w.spare = buf[:0]
		}
		if err != nil {
			w.err = err
		}
		w.done.Broadcast()
	}
	w.sending = false
	w.done.Broadcast()
}

// drain waits until everything taken is sent or sending has failed.
func (w *combiner) drain() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.sending && w.err == nil {
		w.done.Wait()
	}
	return w.err
}
