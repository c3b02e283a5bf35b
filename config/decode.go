package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a configuration duration: a Go duration ("4h", "15m",
// "3600s", "1h30m"), a number of days ("1d"), or a bare number of seconds.
type Duration struct {
	time.Duration
	Raw string
}

// IsSet reports whether the duration was given.
func (d Duration) IsSet() bool { return d.Raw != "" }

// ParseDuration parses the forms Duration accepts.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("negative duration %q", s)
		}
		return time.Duration(n) * time.Second, nil
	}
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.ParseInt(strings.TrimSuffix(s, "d"), 10, 64); err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (use forms like 15m, 4h, 3600s)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return d, nil
}

var durationType = reflect.TypeOf(Duration{})

// decoder decodes yaml nodes into typed specs strictly: unknown keys and
// wrong shapes become diagnostics with file:line:col, never panics.
type decoder struct {
	d       *diags
	origin  map[*yaml.Node]string // file of grafted nodes (see merge)
	subject string
	fields  map[string]Pos // path → position of the value, for the entry being decoded
}

func (dc *decoder) fileOf(n *yaml.Node, parent string) string {
	if f, ok := dc.origin[n]; ok {
		return f
	}
	return parent
}

func posOf(n *yaml.Node, file string) Pos { return Pos{File: file, Line: n.Line, Col: n.Column} }

func (dc *decoder) errAt(n *yaml.Node, file, hint, format string, args ...any) {
	dc.d.add(posOf(n, file), dc.subject, hint, format, args...)
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a scalar"
	}
	return "an unsupported node"
}

// decode fills v from n. path names the field for messages ("principal.name").
func (dc *decoder) decode(n *yaml.Node, file string, v reflect.Value, path string) {
	file = dc.fileOf(n, file)
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if dc.fields != nil && path != "" {
		dc.fields[path] = posOf(n, file)
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && v.Kind() != reflect.String {
		return // "field:" with no value leaves the zero value
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "" && !strings.HasPrefix(n.Tag, "!!") {
		msg, hint := refusedTagMessage(n.Tag)
		dc.errAt(n, file, hint, "%s: %s", path, msg)
		return
	}
	t := v.Type()
	if t == durationType {
		if n.Kind != yaml.ScalarNode {
			dc.errAt(n, file, "", "%s: expected a duration like 15m or 4h, got %s", path, kindName(n))
			return
		}
		d, err := ParseDuration(n.Value)
		if err != nil {
			dc.errAt(n, file, "", "%s: %v", path, err)
			return
		}
		v.Set(reflect.ValueOf(Duration{Duration: d, Raw: n.Value}))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		dc.decode(n, file, v.Elem(), path)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			dc.errAt(n, file, "", "%s: expected a string, got %s", path, kindName(n))
			return
		}
		if n.Tag == "!!null" {
			v.SetString("")
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode {
			dc.errAt(n, file, "", "%s: expected true or false, got %s", path, kindName(n))
			return
		}
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on":
			v.SetBool(true)
		case "false", "no", "off":
			v.SetBool(false)
		default:
			dc.errAt(n, file, "", "%s: expected true or false, got %q", path, n.Value)
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode {
			dc.errAt(n, file, "", "%s: expected a number, got %s", path, kindName(n))
			return
		}
		i, err := strconv.Atoi(n.Value)
		if err != nil {
			dc.errAt(n, file, "", "%s: expected a whole number, got %q", path, n.Value)
			return
		}
		v.SetInt(int64(i))
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			dc.errAt(n, file, "", "%s: expected a list, got %s", path, kindName(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, c := range n.Content {
			dc.decode(c, file, s.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			dc.errAt(n, file, "", "%s: expected a mapping, got %s", path, kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(t, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			ev := reflect.New(t.Elem()).Elem()
			dc.decode(val, dc.fileOf(k, file), ev, joinPath(path, k.Value))
			m.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		v.Set(m)
	case reflect.Struct:
		dc.decodeStruct(n, file, v, path)
	default:
		dc.errAt(n, file, "", "%s: unsupported field type %s", path, t)
	}
}

func (dc *decoder) decodeStruct(n *yaml.Node, file string, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		dc.errAt(n, file, "", "%s: expected a mapping, got %s", path, kindName(n))
		return
	}
	info := structInfoOf(v.Type())
	// YAML merge keys (<<: *anchor) apply first so explicit keys win.
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			for val.Kind == yaml.AliasNode && val.Alias != nil {
				val = val.Alias
			}
			if val.Kind == yaml.SequenceNode {
				for _, c := range val.Content {
					dc.decodeStruct(deref(c), file, v, path)
				}
			} else {
				dc.decodeStruct(val, file, v, path)
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			continue
		}
		kfile := dc.fileOf(k, file)
		idx, ok := info.byName[k.Value]
		if !ok {
			where := "unknown field " + strconv.Quote(joinPath(path, k.Value))
			dc.errAt(k, kfile, didYouMean(k.Value, info.names), "%s", where)
			continue
		}
		dc.decode(val, kfile, v.FieldByIndex(idx), joinPath(path, k.Value))
	}
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

type structInfo struct {
	byName map[string][]int
	names  []string
}

var structCache sync.Map // reflect.Type → *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string][]int{}}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), prefix...), i)
			if opts == "inline" || (f.Anonymous && tag == "") {
				walk(f.Type, idx)
				continue
			}
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			si.byName[name] = idx
			si.names = append(si.names, name)
		}
	}
	walk(t, nil)
	structCache.Store(t, si)
	return si
}
