package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
)

// Decode unmarshals a request body into in, turning every JSON problem into
// the SerializationException the AWS JSON services answer with. An empty
// body is an empty object.
func Decode(body []byte, in any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		if !json.Valid(body) {
			return NewProtocolError(CodeSerialization, "Unable to parse the request body as JSON.")
		}
		return NewProtocolError(CodeSerialization, "Start of structure or map expected for the request body.")
	}
	err := json.Unmarshal(body, in)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return NewProtocolError(CodeSerialization, "%s", typeMessage(typeErr))
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return NewProtocolError(CodeSerialization, "Unable to parse the request body as JSON: %s at offset %d.", syntaxErr.Error(), syntaxErr.Offset)
	}
	// Errors from custom unmarshalers (timestamps).
	return NewProtocolError(CodeSerialization, "%s", err.Error())
}

// typeMessage renders a JSON type mismatch the way the AWS JSON services
// word it.
func typeMessage(e *json.UnmarshalTypeError) string {
	target := e.Type
	for target != nil && target.Kind() == reflect.Pointer {
		target = target.Elem()
	}
	value := e.Value
	if len(value) >= 6 && value[:6] == "number" {
		value = "number"
	}
	switch value {
	case "object":
		return "Start of structure or map found where not expected."
	case "array":
		return "Start of list found where not expected"
	}
	if target == nil {
		return "Unexpected value type."
	}
	switch target.Kind() {
	case reflect.Map:
		return "Expected map or null"
	case reflect.Struct:
		if target == reflect.TypeFor[Time]() {
			return "Expected a timestamp"
		}
		return "Expected structure or null"
	case reflect.Slice:
		if target.Elem().Kind() == reflect.Uint8 {
			return "Expected a base64 encoded blob"
		}
		return "Expected list or null"
	case reflect.String:
		if value == "number" {
			return "NUMBER_VALUE can not be converted to a String"
		}
		return "BOOLEAN_VALUE can not be converted to a String"
	case reflect.Int32:
		return javaValue(value) + " can not be converted to an Integer"
	case reflect.Int64:
		return javaValue(value) + " can not be converted to a Long"
	case reflect.Float64, reflect.Float32:
		return javaValue(value) + " can not be converted to a Double"
	case reflect.Bool:
		return javaValue(value) + " can not be converted to a Boolean"
	}
	return "Unexpected value type."
}

func javaValue(v string) string {
	switch v {
	case "string":
		return "STRING_VALUE"
	case "number":
		return "NUMBER_VALUE"
	case "bool":
		return "BOOLEAN_VALUE"
	}
	return "VALUE"
}
