package hdf5

import (
	"sort"
	"strings"
)

// Group is a group of a file being read: named child groups and datasets,
// and attributes.
type Group struct {
	// Name is the group's last path component ("" for the root).
	Name string
	// Path is the group's absolute path ("/", "/layers/dense").
	Path string
	// Attrs are the group's attributes, sorted by name.
	Attrs []Attr

	groups   []*Group
	datasets []*Dataset
}

// Groups returns the child groups, sorted by name.
func (g *Group) Groups() []*Group { return g.groups }

// Datasets returns the datasets directly in g, sorted by name.
func (g *Group) Datasets() []*Dataset { return g.datasets }

// Attr returns the attribute called name and whether it exists.
func (g *Group) Attr(name string) (Attr, bool) { return findAttr(g.Attrs, name) }

// Group returns the group at path, relative to g ("a/b") or absolute from
// g when g is the root ("/a/b").
func (g *Group) Group(path string) (*Group, bool) {
	cur := g
	for _, part := range splitPath(path) {
		var next *Group
		for _, c := range cur.groups {
			if c.Name == part {
				next = c
				break
			}
		}
		if next == nil {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// Dataset returns the dataset at path, relative to g ("vars/0").
func (g *Group) Dataset(path string) (*Dataset, bool) {
	parts := splitPath(path)
	if len(parts) == 0 {
		return nil, false
	}
	parent, ok := g.Group(strings.Join(parts[:len(parts)-1], "/"))
	if !ok {
		return nil, false
	}
	for _, d := range parent.datasets {
		if d.Name == parts[len(parts)-1] {
			return d, true
		}
	}
	return nil, false
}

// Walk calls fn for g and for every group below it, parents before children,
// children in name order, stopping at the first error fn returns.
func (g *Group) Walk(fn func(*Group) error) error {
	if err := fn(g); err != nil {
		return err
	}
	for _, c := range g.groups {
		if err := c.Walk(fn); err != nil {
			return err
		}
	}
	return nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

func joinPath(parent, name string) string {
	if parent == "/" {
		return "/" + name
	}
	return parent + "/" + name
}

// link is one named child of a group: its object header's address.
type link struct {
	name string
	addr uint64
}

// loadGroup fills g from the object header at addr, whose messages are msgs
// (read here when nil). ancestors holds the headers of the groups above g,
// to catch a group that contains itself.
func (f *File) loadGroup(g *Group, addr uint64, msgs []message, ancestors []uint64) error {
	for _, a := range ancestors {
		if a == addr {
			return errorf("group %q contains itself (a cycle in the group graph)", g.Path)
		}
	}
	ancestors = append(ancestors, addr)
	if len(ancestors) > 256 {
		return errorf("group %q: groups nested more than 256 deep", g.Path)
	}
	if msgs == nil {
		var err error
		if msgs, err = f.readHeader(addr); err != nil {
			return err
		}
	}
	attrs, err := f.attributes(msgs, g.Path)
	if err != nil {
		return err
	}
	g.Attrs = attrs
	links, err := f.groupLinks(msgs, g.Path)
	if err != nil {
		return err
	}
	for _, l := range links {
		f.nodesLeft--
		if f.nodesLeft < 0 {
			return errorf("group %q: more objects than a file of %d bytes can hold", g.Path, f.size)
		}
		path := joinPath(g.Path, l.name)
		if d, ok := f.datasets[l.addr]; ok {
			// Another hard link to a dataset already read.
			c := *d
			c.Name, c.Path = l.name, path
			g.datasets = append(g.datasets, &c)
			continue
		}
		cm, err := f.readHeader(l.addr)
		if err != nil {
			return errorf("%s: %v", path, unwrap(err))
		}
		switch kindOf(cm) {
		case kindGroup:
			child := &Group{Name: l.name, Path: path}
			if err := f.loadGroup(child, l.addr, cm, ancestors); err != nil {
				return err
			}
			g.groups = append(g.groups, child)
		case kindDataset:
			d, err := f.loadDataset(l.name, path, cm)
			if err != nil {
				return err
			}
			f.datasets[l.addr] = d
			g.datasets = append(g.datasets, d)
		default:
			// Committed datatypes and unknown objects are skipped.
		}
	}
	return nil
}

func unwrap(err error) string {
	return strings.TrimPrefix(err.Error(), "hdf5: ")
}

const (
	kindOther = iota
	kindGroup
	kindDataset
)

func kindOf(msgs []message) int {
	var space, dtype, layout bool
	for _, m := range msgs {
		switch m.typ {
		case msgSymbolTable, msgLinkInfo, msgGroupInfo, msgLink:
			return kindGroup
		case msgDataspace:
			space = true
		case msgDatatype:
			dtype = true
		case msgLayout:
			layout = true
		}
	}
	if space && dtype && layout {
		return kindDataset
	}
	return kindOther
}

// groupLinks returns a group's hard links, sorted by name, from either a
// symbol table or link messages.
func (f *File) groupLinks(msgs []message, path string) ([]link, error) {
	var links []link
	for _, m := range msgs {
		switch m.typ {
		case msgSymbolTable:
			c := f.cursor(m.data)
			btree, heap := c.addr(), c.addr()
			if c.err != nil {
				return nil, errorf("group %q: symbol table message is truncated", path)
			}
			l, err := f.symbolTable(btree, heap)
			if err != nil {
				return nil, errorf("group %q: %v", path, unwrap(err))
			}
			links = append(links, l...)
		case msgLinkInfo:
			c := f.cursor(m.data)
			version, flags := c.u8(), c.u8()
			if flags&1 != 0 {
				c.skip(8)
			}
			heap, index := c.addr(), c.addr()
			if c.err != nil || version != 0 {
				return nil, errorf("group %q: bad link info message", path)
			}
			if heap == undef {
				continue
			}
			msgs, err := f.denseMessages(heap, index, 4)
			if err != nil {
				return nil, errorf("group %q: dense link storage: %v", path, unwrap(err))
			}
			for _, m := range msgs {
				l, ok, err := f.parseLink(m)
				if err != nil {
					return nil, errorf("group %q: %v", path, unwrap(err))
				}
				if ok {
					links = append(links, l)
				}
				if len(links) > f.nodesLeft {
					return nil, errorf("group %q has more members than the file can hold", path)
				}
			}
		case msgLink:
			l, ok, err := f.parseLink(m.data)
			if err != nil {
				return nil, errorf("group %q: %v", path, unwrap(err))
			}
			if ok {
				links = append(links, l)
			}
		}
	}
	sort.Slice(links, func(i, j int) bool { return links[i].name < links[j].name })
	for i, l := range links {
		if l.name == "" || l.name == "." || strings.Contains(l.name, "/") {
			return nil, errorf("group %q: invalid member name %q", path, l.name)
		}
		if i > 0 && links[i-1].name == l.name {
			return nil, errorf("group %q: member %q appears twice", path, l.name)
		}
	}
	return links, nil
}

// parseLink decodes a link message; ok is false for soft and external
// links, which the reader does not follow.
func (f *File) parseLink(b []byte) (link, bool, error) {
	c := f.cursor(b)
	version, flags := c.u8(), c.u8()
	if version != 1 {
		return link{}, false, errorf("unsupported link message version %d", version)
	}
	typ := uint8(0)
	if flags&0x08 != 0 {
		typ = c.u8()
	}
	if flags&0x04 != 0 {
		c.skip(8)
	}
	if flags&0x10 != 0 {
		c.skip(1)
	}
	n := c.uintN(1 << (flags & 3))
	if n > uint64(c.remaining()) {
		return link{}, false, errorf("link name of %d bytes runs past its message", n)
	}
	name := string(c.take(int(n)))
	if typ != 0 {
		return link{}, false, nil
	}
	a := c.addr()
	if c.err != nil {
		return link{}, false, errorf("link message is truncated")
	}
	return link{name, a}, true, nil
}
