package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
)

// Control request bodies are decoded strictly: a field the endpoint does
// not know, a value of the wrong type or anything after the JSON object is
// refused with 400, naming the field. A misspelt setting must fail loudly,
// not leave a test running with the value it meant to change.

// bodyError is a control request body that cannot be used; it is answered 400.
type bodyError struct{ msg string }

func (e *bodyError) Error() string { return e.msg }

func bodyErrorf(format string, args ...any) *bodyError {
	return &bodyError{msg: fmt.Sprintf(format, args...)}
}

// missingField is the error for a required field left out.
func missingField(name, example string) *bodyError {
	return bodyErrorf("missing field %q (for example %s)", name, example)
}

// decodeControl reads r's JSON body into v, strictly.
func decodeControl(r *http.Request, v any) error {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err != nil {
		return bodyErrorf("reading the body: %v", err)
	}
	return decodeStrict(data, v)
}

// decodeNoBody accepts an empty body or {} for endpoints that take none.
func decodeNoBody(r *http.Request) error {
	return decodeControl(r, &struct{}{})
}

// decodeStrict decodes data into v, refusing unknown fields and trailing data.
func decodeStrict(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		if reflect.TypeOf(v).Elem().NumField() == 0 {
			return nil
		}
		return bodyErrorf("the body is empty: send a JSON object with the fields %s", knownFields(reflect.TypeOf(v)))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err, reflect.TypeOf(v))
	}
	if _, err := dec.Token(); err != io.EOF {
		return bodyErrorf("the body has data after the JSON object; send one object")
	}
	return nil
}

// describeJSONError turns a decoding error into a message that names the field.
func describeJSONError(err error, t reflect.Type) error {
	var be *bodyError
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &be):
		return be
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return bodyErrorf("the body must be a JSON object, not a JSON %s", te.Value)
		}
		return bodyErrorf("field %q must be %s, not a JSON %s", field, jsonKind(te.Type), te.Value)
	case errors.As(err, &se):
		return bodyErrorf("the body is not valid JSON: %v (at byte %d)", se, se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bodyErrorf("the body is not valid JSON: it ends before the object does")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		known := knownFields(t)
		if known == "" {
			return bodyErrorf("unknown field %s: this endpoint takes no body", name)
		}
		return bodyErrorf("unknown field %s: the fields are %s", name, known)
	}
	return bodyErrorf("the body cannot be decoded: %v", err)
}

// jsonKind says in words which JSON values decode into t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a " + t.String()
}

// wireTyper is implemented by types whose JSON form is another struct (Faults).
type wireTyper interface{ wireType() reflect.Type }

// knownFields lists the JSON field names of a struct type (nested objects as
// parent.child), for error messages.
func knownFields(t reflect.Type) string {
	if w, ok := reflect.Zero(t).Interface().(wireTyper); ok {
		t = w.wireType()
	}
	var names []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" || !f.IsExported() {
				continue
			}
			if f.Anonymous && tag == "" {
				walk(f.Type, prefix)
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			names = append(names, prefix+tag)
			if ft := f.Type; ft.Kind() == reflect.Struct || (ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct) {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.PkgPath() == "time" {
					continue
				}
				walk(ft, prefix+tag+".")
			}
		}
	}
	walk(t, "")
	if len(names) == 0 {
		return ""
	}
	return `"` + strings.Join(names, `", "`) + `"`
}
