package main

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestServeDropsSlowClients: bodies had no read timeout, so 1,100 trickling
// connections took every descriptor. A client that sends its header or body too
// slowly is disconnected. Loopback only.
func TestServeDropsSlowClients(t *testing.T) {
	url, _ := startServe(t, serveConfig{quiet: true, headerTimeout: 300 * time.Millisecond, readTimeout: 500 * time.Millisecond})
	addr := strings.TrimPrefix(url, "http://")
	for name, send := range map[string]string{
		"header": "POST / HTTP/1.1\r\nHost: x\r\n",
		"body":   "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nAction=",
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(c, send); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		start := time.Now()
		_, err = io.ReadAll(c) // the server answers (408/400) or closes; either ends the read
		if err != nil {
			t.Errorf("%s: the slow client was not disconnected: %v", name, err)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%s: disconnected after %s", name, d)
		}
		c.Close()
	}
}

// TestServeCapsConnections: past maxConns, connections wait to be accepted and
// are served once a slot frees.
func TestServeCapsConnections(t *testing.T) {
	url, _ := startServe(t, serveConfig{quiet: true, maxConns: 2, headerTimeout: 300 * time.Millisecond, readTimeout: 300 * time.Millisecond})
	addr := strings.TrimPrefix(url, "http://")
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n") // hold a slot
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	// The third connection is answered only after the held ones time out.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil || !strings.HasPrefix(string(b), "HTTP/1.1 ") {
		t.Errorf("the waiting connection was not served: %q %v", b, err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("the third connection was served after %s, while two held both slots", d)
	}
}
