package runtime

import (
	"bytes"
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// inotifyGate tells the watcher when nothing in the handler's folder can
// have changed, so a warm call skips the stats. It stays exact: the kernel
// queues an inotify event inside the writer's own system call, before that
// call returns, so an edit saved before a call is always in the queue when
// the call reads it (one non-blocking read, where the stats cost a system
// call per entry). Any event — or any doubt: an overflow, the folder itself
// gone, a failed read — sends the watcher to its stats. The watcher calls
// it under its own lock.
type inotifyGate struct {
	fd     int
	root   int // the folder's watch descriptor
	broken bool
	buf    []byte
}

const (
	rootEvents = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MODIFY | unix.IN_ATTRIB | unix.IN_CLOSE_WRITE |
		unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF
	// A sub-folder counts by its own modification time, which moves when an
	// entry is added, removed or renamed in it.
	subEvents = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_ATTRIB |
		unix.IN_DELETE_SELF | unix.IN_MOVE_SELF
)

func newChangeGate(dir string) changeGate {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil // no inotify (limits reached): the stats do it all
	}
	wd, err := unix.InotifyAddWatch(fd, dir, rootEvents)
	if err != nil {
		_ = unix.Close(fd)
		return nil
	}
	return &inotifyGate{fd: fd, root: wd, buf: make([]byte, 16<<10)}
}

// quiet reports whether no event arrived since the last look.
func (g *inotifyGate) quiet() bool {
	if g.broken {
		return false
	}
	seen := false
	for {
		n, err := unix.Read(g.fd, g.buf)
		if errors.Is(err, unix.EAGAIN) {
			return !seen
		}
		if err != nil || n <= 0 {
			g.broken = true
			return false
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&g.buf[off]))
			end := min(off+unix.SizeofInotifyEvent+int(ev.Len), n)
			if int(ev.Wd) == g.root && ev.Mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) != 0 {
				g.broken = true // the folder itself went away: no more events will come
			}
			if !g.notCode(ev, g.buf[off+unix.SizeofInotifyEvent:end]) {
				seen = true
			}
			off = end
		}
	}
}

// contentEvents change a file's bytes or attributes, not the folder's list.
const contentEvents = unix.IN_MODIFY | unix.IN_CLOSE_WRITE | unix.IN_ATTRIB

// notCode reports an event that cannot change the watcher's fingerprint:
// a write to a file in the folder that is not code (by its name, as the
// listing classifies it). A log written beside the handler (`serve 2>
// serve.log`) otherwise sent every call to the stats.
func (g *inotifyGate) notCode(ev *unix.InotifyEvent, name []byte) bool {
	if int(ev.Wd) != g.root || ev.Mask&unix.IN_ISDIR != 0 || ev.Mask&^uint32(contentEvents) != 0 {
		return false
	}
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return len(name) > 0 && (name[0] == '.' || !codeName(string(name)))
}

// follow watches the sub-folders of the latest listing too.
func (g *inotifyGate) follow(dirs []string) {
	for _, d := range dirs {
		if _, err := unix.InotifyAddWatch(g.fd, d, subEvents); err != nil {
			g.broken = true // a sub-folder we cannot watch: stat every call
		}
	}
}

func (g *inotifyGate) close() {
	if g.fd >= 0 {
		_ = unix.Close(g.fd)
	}
	g.fd, g.broken = -1, true
}
