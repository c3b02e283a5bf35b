package auth

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// specFingerprint is the spec as JSON without what does not change the
// credentials a step produces: default, alias, tags and required pick an
// entry, env decorates its environment (config.IdentityBase,
// config.ProviderBase). Leaving them out also keeps the fingerprints of
// caches written before they existed.
//
// The bytes are those of specFingerprintJSON — json.Marshal, decoded into
// a map, the fields deleted, marshalled again — which every cached step's
// fingerprint was made with. It runs on every cached credential read, and
// encoding/json building its encoders for each spec type in a fresh process
// was ~5% of a cached credential-process; jsonTree builds the decoded map
// straight from the struct instead, so only the generic map encoder runs.
// A type jsonTree does not know goes the long way.
func specFingerprint(spec any) []byte {
	tree, err := jsonTree(reflect.ValueOf(spec))
	if err != nil {
		return specFingerprintJSON(spec)
	}
	if m, ok := tree.(map[string]any); ok {
		for _, k := range fingerprintIgnored {
			delete(m, k)
		}
	}
	b, err := json.Marshal(tree)
	if err != nil {
		return specFingerprintJSON(spec)
	}
	return b
}

var fingerprintIgnored = []string{"Default", "Alias", "Tags", "Env", "Required"}

// specFingerprintJSON is specFingerprint the way it was first written.
func specFingerprintJSON(spec any) []byte {
	b, _ := json.Marshal(spec)
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	for _, k := range fingerprintIgnored {
		delete(m, k)
	}
	b, _ = json.Marshal(m)
	return b
}

var errNotPlain = errors.New("not a plain data type")

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

// jsonTree is what json.Unmarshal into an `any` gives for json.Marshal(v):
// objects as map[string]any, arrays as []any, numbers as float64. It
// follows encoding/json's rules for struct fields (names and tags,
// omitempty, omitzero, embedded structs and their dominance) and strings
// (each invalid UTF-8 byte becomes U+FFFD); for anything with a marshaller
// of its own, floats or the ",string" option it answers errNotPlain.
func jsonTree(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	t := v.Type()
	if t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)) {
		return nil, errNotPlain
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return jsonTree(v.Elem())
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(v.Uint()), nil
	case reflect.String:
		return validUTF8(v.String()), nil
	case reflect.Struct:
		return structTree(v)
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		if t.Key().Kind() != reflect.String || t.Key().Implements(textMarshalerType) {
			return nil, errNotPlain
		}
		m := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			e, err := jsonTree(it.Value())
			if err != nil {
				return nil, err
			}
			m[validUTF8(it.Key().String())] = e
		}
		return m, nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			if reflect.PointerTo(t.Elem()).Implements(jsonMarshalerType) || reflect.PointerTo(t.Elem()).Implements(textMarshalerType) {
				return nil, errNotPlain
			}
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
		fallthrough
	case reflect.Array:
		a := make([]any, v.Len())
		for i := range a {
			e, err := jsonTree(v.Index(i))
			if err != nil {
				return nil, err
			}
			a[i] = e
		}
		return a, nil
	}
	return nil, errNotPlain // floats (json formats float32 its own way), complex, chan, func
}

// validUTF8 is s as encoding/json writes it: each byte of an invalid
// sequence becomes U+FFFD.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	name      string
	index     []int
	tagged    bool
	omitEmpty bool
	omitZero  bool
}

// fieldsOf caches jsonFields per type: a chain often repeats one kind.
var fieldsOf sync.Map // reflect.Type → []jsonField, or error

func structTree(v reflect.Value) (any, error) {
	cached, ok := fieldsOf.Load(v.Type())
	if !ok {
		fields, err := jsonFields(v.Type())
		if err != nil {
			cached = err
		} else {
			cached = fields
		}
		fieldsOf.Store(v.Type(), cached)
	}
	if err, ok := cached.(error); ok {
		return nil, err
	}
	fields := cached.([]jsonField)
	m := make(map[string]any, len(fields))
field:
	for _, f := range fields {
		fv := v
		for _, i := range f.index {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue field // through a nil embedded pointer
				}
				fv = fv.Elem()
			}
			fv = fv.Field(i)
		}
		if f.omitEmpty && emptyValue(fv) {
			continue
		}
		if f.omitZero {
			zero, ok := zeroValue(fv)
			if !ok {
				return nil, errNotPlain
			}
			if zero {
				continue
			}
		}
		e, err := jsonTree(fv)
		if err != nil {
			return nil, err
		}
		m[f.name] = e
	}
	return m, nil
}

// jsonFields lists the fields encoding/json writes for t: promoted
// through embedded structs, the shallowest of a name winning, a tie going
// to the only tagged one or to none.
func jsonFields(t reflect.Type) ([]jsonField, error) {
	var all []jsonField
	depth := map[string][]jsonField{}
	var walk func(t reflect.Type, index []int, seen map[reflect.Type]bool) error
	walk = func(t reflect.Type, index []int, seen map[reflect.Type]bool) error {
		if seen[t] {
			return nil
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			ft := sf.Type
			if sf.Anonymous {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if !validTagName(name) {
				name = ""
			}
			idx := append(append([]int(nil), index...), i)
			if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
				if err := walk(ft, idx, seen); err != nil {
					return err
				}
				continue
			}
			f := jsonField{name: name, index: idx, tagged: name != ""}
			if f.name == "" {
				f.name = sf.Name
			}
			for o := range strings.SplitSeq(opts, ",") {
				switch o {
				case "omitempty":
					f.omitEmpty = true
				case "omitzero":
					f.omitZero = true
				case "string":
					return errNotPlain
				}
			}
			all = append(all, f)
			depth[f.name] = append(depth[f.name], f)
		}
		return nil
	}
	if err := walk(t, nil, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, f := range all {
		if dominant(f, depth[f.name]) {
			out = append(out, f)
		}
	}
	return out, nil
}

// dominant: f is the field its name is written from.
func dominant(f jsonField, same []jsonField) bool {
	min := len(f.index)
	for _, g := range same {
		min = minInt(min, len(g.index))
	}
	if len(f.index) > min {
		return false
	}
	var atMin, taggedAtMin int
	for _, g := range same {
		if len(g.index) == min {
			atMin++
			if g.tagged {
				taggedAtMin++
			}
		}
	}
	return atMin == 1 || taggedAtMin == 1 && f.tagged
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// validTagName is encoding/json's isValidTag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// emptyValue is encoding/json's isEmptyValue (omitempty).
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// zeroValue is omitzero: the type's IsZero method where it has one (not
// ok when that method cannot be called on v, a field promoted through an
// unexported embedded struct).
func zeroValue(v reflect.Value) (zero, ok bool) {
	t := v.Type()
	has := t.Implements(isZeroerType)
	if !has && !reflect.PointerTo(t).Implements(isZeroerType) {
		return v.IsZero(), true
	}
	if !v.CanInterface() {
		return false, false
	}
	switch {
	case t.Kind() == reflect.Interface && has:
		return v.IsNil() || v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero(), true
	case t.Kind() == reflect.Pointer && has:
		return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero(), true
	case has:
		return v.Interface().(interface{ IsZero() bool }).IsZero(), true
	}
	if !v.CanAddr() {
		c := reflect.New(t).Elem()
		c.Set(v)
		v = c
	}
	return v.Addr().Interface().(interface{ IsZero() bool }).IsZero(), true
}
