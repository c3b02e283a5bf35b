package auth

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// RandomFill sets every field reachable from v (unexported ones too) to
// values from r that stress JSON: HTML characters, invalid UTF-8, big and
// negative numbers, nil against empty slices and maps, nil pointers.
func RandomFill(v reflect.Value, r *rand.Rand, depth int) {
	if !v.CanSet() {
		if !v.CanAddr() {
			return
		}
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	strs := []string{"", "a", "<b>&amp;", "\xff\xfeok\xc3", "héllo\u2028", `"quoted" \ slash`, "arn:aws:iam::123456789012:role/R"}
	ints := []int64{0, 1, -7, 3600, 1 << 53, 1<<60 + 1, math.MinInt64, int64(90 * time.Minute)}
	switch v.Kind() {
	case reflect.String:
		v.SetString(strs[r.IntN(len(strs))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n := ints[r.IntN(len(ints))]; !v.OverflowInt(n) {
			v.SetInt(n)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n := []uint64{0, 2, math.MaxUint64, 1 << 63}[r.IntN(4)]; !v.OverflowUint(n) {
			v.SetUint(n)
		}
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{0, 0.1, 1e21, -2.5e-7}[r.IntN(4)])
	case reflect.Pointer:
		if depth > 6 || r.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		RandomFill(p.Elem(), r, depth+1)
		v.Set(p)
	case reflect.Interface:
		if r.IntN(2) == 0 && reflect.TypeFor[string]().Implements(v.Type()) {
			v.Set(reflect.ValueOf(strs[r.IntN(len(strs))]))
		}
	case reflect.Slice:
		switch r.IntN(3) {
		case 0: // nil
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			if depth > 6 {
				return
			}
			s := reflect.MakeSlice(v.Type(), 1+r.IntN(3), 3)
			for i := range s.Len() {
				RandomFill(s.Index(i), r, depth+1)
			}
			v.Set(s)
		}
	case reflect.Array:
		for i := range v.Len() {
			RandomFill(v.Index(i), r, depth+1)
		}
	case reflect.Map:
		if r.IntN(3) == 0 || depth > 6 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			RandomFill(k, r, depth+1)
			RandomFill(e, r, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			RandomFill(v.Field(i), r, depth+1)
		}
	}
}

// Types with every rule of encoding/json's that a spec could meet.
type fpDuration struct {
	time.Duration
	Raw string
}

func (d fpDuration) IsZero() bool { return d.Raw == "" }

type fpPtrZero struct{ N int }

func (z *fpPtrZero) IsZero() bool { return z.N == 7 }

type fpInner struct {
	Shared string
	Deep   string `json:"deep,omitempty"`
}

type fpOther struct {
	Shared string
	Tie    string
	Win    string `json:"Tie"`
}

type fpUnexported struct {
	Hidden string
	Zero   fpDuration `json:",omitzero"`
}

type fpSpec struct {
	fpInner
	*fpOther
	fpUnexported
	Default  bool
	Alias    string
	Tags     []string
	Env      []map[string]string
	Required bool
	Name     string `json:"name"`
	Skip     string `json:"-"`
	Dash     string `json:"-,"`
	Bad      string `json:"b\"ad"`
	Empty    string `json:",omitempty"`
	Dur      fpDuration
	DurZ     fpDuration `json:",omitzero"`
	PZ       fpPtrZero  `json:",omitzero"`
	PZP      *fpPtrZero `json:",omitzero"`
	Ptr      *string
	PtrE     *int `json:",omitempty"`
	I8       int8
	U        uint64
	Bytes    []byte
	Arr      [2]byte
	Map      map[string][]int
	MapE     map[string]bool `json:",omitempty"`
	Iface    any
	Nested   struct {
		A    string
		B    *fpInner
		List []fpInner
	}
	private string
}

// TestSpecFingerprintMatchesJSON: the fast fingerprint writes the bytes
// the encoding/json round trip writes — for every rule above and random
// values — so that every cached step stays valid across the change.
func TestSpecFingerprintMatchesJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var s fpSpec
		RandomFill(reflect.ValueOf(&s).Elem(), r, 0)
		if got, want := specFingerprint(&s), specFingerprintJSON(&s); !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n fast %s\n json %s", i, got, want)
		}
	}
	for _, v := range []any{nil, (*fpSpec)(nil), &fpSpec{}, fpSpec{}, &testIdentity{Role: "r"}, struct{ F float32 }{0.1}, map[string]any{"a": 1.5}} {
		if got, want := specFingerprint(v), specFingerprintJSON(v); !bytes.Equal(got, want) {
			t.Errorf("%#v:\n fast %s\n json %s", v, got, want)
		}
	}
}
