package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefault(t *testing.T) {
	want := Config{
		Addr:            "127.0.0.1:9229",
		DataDir:         "./.gognito",
		Region:          "us-east-1",
		AccountID:       "000000000000",
		LogLevel:        "info",
		LogFormat:       "text",
		Mode:            "development",
		MaxBodyBytes:    1048576,
		ShutdownTimeout: 15 * time.Second,
	}
	if got := Default(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Default() = %+v, want %+v", got, want)
	}
}

func TestDefaultIsValid(t *testing.T) {
	c := Default()
	c.DataDir = filepath.Join(t.TempDir(), "data")
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate(Default()) = %v", err)
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gognito.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	full := `
addr: 0.0.0.0:8080
data_dir: /var/lib/gognito
database: postgres://gognito:pw@db:5432/gognito?sslmode=disable
region: eu-west-2
account_id: "123456789012"
public_url: https://idp.example.com
log_level: debug
log_format: json
mode: production
max_body_bytes: 2097152
shutdown_timeout: 1m30s
credentials:
  - access_key_id: AKIDEXAMPLE
    secret_access_key: wJalrXUtnFEMI
  - access_key_id: SECOND
    secret_access_key: s2
id_seed: 42
`
	fullWant := Config{
		Addr:            "0.0.0.0:8080",
		DataDir:         "/var/lib/gognito",
		Database:        "postgres://gognito:pw@db:5432/gognito?sslmode=disable",
		Region:          "eu-west-2",
		AccountID:       "123456789012",
		PublicURL:       "https://idp.example.com",
		LogLevel:        "debug",
		LogFormat:       "json",
		Mode:            "production",
		MaxBodyBytes:    2097152,
		ShutdownTimeout: 90 * time.Second,
		Credentials: []Credential{
			{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI"},
			{AccessKeyID: "SECOND", SecretAccessKey: "s2"},
		},
		IDSeed: 42,
	}
	partialWant := Default()
	partialWant.Region = "ap-southeast-2"
	partialWant.ShutdownTimeout = 500 * time.Millisecond

	tests := []struct {
		name    string
		content string
		want    Config
		wantErr string // substring; empty means success
	}{
		{name: "full", content: full, want: fullWant},
		{name: "partial keeps defaults", content: "region: ap-southeast-2\nshutdown_timeout: 500ms\n", want: partialWant},
		{name: "empty file", content: "", want: Default()},
		{name: "comments only", content: "# nothing here\n", want: Default()},
		{name: "explicit document marker", content: "---\nregion: ap-southeast-2\nshutdown_timeout: 500ms\n", want: partialWant},
		{name: "unknown top-level key", content: "adr: 1.2.3.4:5\n", wantErr: "field adr not found"},
		{name: "unknown credential key", content: "credentials:\n  - access_key: x\n", wantErr: "field access_key not found"},
		{name: "type mismatch", content: "max_body_bytes: lots\n", wantErr: "cannot unmarshal"},
		{name: "integer duration rejected", content: "shutdown_timeout: 15\n", wantErr: "time.Duration"},
		{name: "bad duration", content: "shutdown_timeout: soon\n", wantErr: "time.Duration"},
		{name: "multiple documents", content: "region: eu-west-1\n---\nregion: eu-west-2\n", wantErr: "multiple YAML documents"},
		{name: "malformed yaml", content: "addr: [\n", wantErr: "yaml"},
		{name: "not a mapping", content: "- a\n- b\n", wantErr: "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			got, err := Load(path)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Load() = %+v, want error containing %q", got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("Load() error = %q, want it to contain %q and the path", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Load() = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLoadEmptyPathReturnsDefaults(t *testing.T) {
	got, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Default()) {
		t.Fatalf("Load(\"\") = %+v, want defaults", got)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(missing) error = %v, want fs.ErrNotExist", err)
	}
}

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestApplyEnv(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		mutate func(*Config) // expected change relative to Default()
	}{
		{name: "nothing set", env: nil, mutate: func(*Config) {}},
		{name: "empty values ignored", env: map[string]string{EnvAddr: "", EnvMaxBodyBytes: "", EnvShutdownTimeout: ""}, mutate: func(*Config) {}},
		{name: "addr", env: map[string]string{"GOGNITO_ADDR": ":1234"}, mutate: func(c *Config) { c.Addr = ":1234" }},
		{name: "data dir", env: map[string]string{"GOGNITO_DATA_DIR": "/data"}, mutate: func(c *Config) { c.DataDir = "/data" }},
		{name: "database", env: map[string]string{"GOGNITO_DATABASE": "sqlite:/x.db"}, mutate: func(c *Config) { c.Database = "sqlite:/x.db" }},
		{name: "region", env: map[string]string{"GOGNITO_REGION": "eu-central-1"}, mutate: func(c *Config) { c.Region = "eu-central-1" }},
		{name: "account id", env: map[string]string{"GOGNITO_ACCOUNT_ID": "111122223333"}, mutate: func(c *Config) { c.AccountID = "111122223333" }},
		{name: "public url", env: map[string]string{"GOGNITO_PUBLIC_URL": "http://localhost:9229"}, mutate: func(c *Config) { c.PublicURL = "http://localhost:9229" }},
		{name: "log level", env: map[string]string{"GOGNITO_LOG_LEVEL": "debug"}, mutate: func(c *Config) { c.LogLevel = "debug" }},
		{name: "log format", env: map[string]string{"GOGNITO_LOG_FORMAT": "json"}, mutate: func(c *Config) { c.LogFormat = "json" }},
		{name: "mode", env: map[string]string{"GOGNITO_MODE": "production"}, mutate: func(c *Config) { c.Mode = "production" }},
		{name: "max body bytes", env: map[string]string{"GOGNITO_MAX_BODY_BYTES": "4096"}, mutate: func(c *Config) { c.MaxBodyBytes = 4096 }},
		{name: "max body bytes padded", env: map[string]string{"GOGNITO_MAX_BODY_BYTES": " 4096 "}, mutate: func(c *Config) { c.MaxBodyBytes = 4096 }},
		{name: "shutdown timeout", env: map[string]string{"GOGNITO_SHUTDOWN_TIMEOUT": "2m"}, mutate: func(c *Config) { c.ShutdownTimeout = 2 * time.Minute }},
		{name: "debug addr", env: map[string]string{"GOGNITO_DEBUG_ADDR": "127.0.0.1:6060"}, mutate: func(c *Config) { c.DebugAddr = "127.0.0.1:6060" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Default()
			if err := ApplyEnv(&got, envMap(tt.env)); err != nil {
				t.Fatalf("ApplyEnv() error = %v", err)
			}
			want := Default()
			tt.mutate(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ApplyEnv() = %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestApplyEnvErrors(t *testing.T) {
	c := Default()
	err := ApplyEnv(&c, envMap(map[string]string{
		EnvMaxBodyBytes:    "1MiB",
		EnvShutdownTimeout: "15",
		EnvRegion:          "eu-north-1",
	}))
	if err == nil {
		t.Fatal("ApplyEnv() error = nil, want parse errors")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`GOGNITO_MAX_BODY_BYTES "1MiB": not an integer number of bytes`,
		`GOGNITO_SHUTDOWN_TIMEOUT "15": not a duration (e.g. 15s)`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("ApplyEnv() error lines = %q, want %q", lines, want)
	}
	if c.MaxBodyBytes != DefaultMaxBodyBytes || c.ShutdownTimeout != DefaultShutdownTimeout {
		t.Fatalf("unparseable values changed fields: %+v", c)
	}
	if c.Region != "eu-north-1" {
		t.Fatalf("valid variable not applied alongside errors: region = %q", c.Region)
	}
}

func TestPrecedenceFileThenEnv(t *testing.T) {
	path := writeFile(t, "region: eu-west-1\naddr: 0.0.0.0:1\nlog_level: warn\n")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ApplyEnv(&c, envMap(map[string]string{EnvRegion: "eu-west-3"})); err != nil {
		t.Fatal(err)
	}
	if c.Region != "eu-west-3" {
		t.Errorf("env should beat file: region = %q", c.Region)
	}
	if c.Addr != "0.0.0.0:1" || c.LogLevel != "warn" {
		t.Errorf("file values should beat defaults: addr = %q, log_level = %q", c.Addr, c.LogLevel)
	}
	if c.AccountID != DefaultAccountID {
		t.Errorf("default should survive: account_id = %q", c.AccountID)
	}
}

// validBase is a valid configuration that never touches the file system
// (Database is set, so DataDir is not probed).
func validBase() Config {
	c := Default()
	c.Database = "sqlite:/tmp/gognito-test.db"
	return c
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // exact error lines; nil means valid
	}{
		{name: "valid", mutate: func(*Config) {}},
		{name: "addr any interface", mutate: func(c *Config) { c.Addr = ":9229" }},
		{name: "addr port zero", mutate: func(c *Config) { c.Addr = "127.0.0.1:0" }},
		{name: "addr ipv6", mutate: func(c *Config) { c.Addr = "[::1]:9229" }},
		{name: "addr missing port", mutate: func(c *Config) { c.Addr = "localhost" },
			want: []string{`addr "localhost": missing port in address`}},
		{name: "addr empty port", mutate: func(c *Config) { c.Addr = "localhost:" },
			want: []string{`addr "localhost:": missing port in address`}},
		{name: "addr empty", mutate: func(c *Config) { c.Addr = "" },
			want: []string{`addr: required`}},
		{name: "addr named port", mutate: func(c *Config) { c.Addr = "localhost:http" },
			want: []string{`addr "localhost:http": port "http" must be a number between 0 and 65535`}},
		{name: "addr port too large", mutate: func(c *Config) { c.Addr = "localhost:65536" },
			want: []string{`addr "localhost:65536": port "65536" must be a number between 0 and 65535`}},
		{name: "addr too many colons", mutate: func(c *Config) { c.Addr = "::1:80" },
			want: []string{`addr "::1:80": too many colons in address`}},
		{name: "debug addr", mutate: func(c *Config) { c.DebugAddr = "127.0.0.1:0" }},
		{name: "debug addr missing port", mutate: func(c *Config) { c.DebugAddr = "localhost" },
			want: []string{`debug_addr "localhost": missing port in address`}},
		{name: "debug addr checked without addr", mutate: func(c *Config) { c.Addr = ""; c.DebugAddr = "localhost" },
			want: []string{`addr: required`, `debug_addr "localhost": missing port in address`}},
		{name: "debug addr and addr both wrong", mutate: func(c *Config) { c.Addr = "x:y"; c.DebugAddr = "localhost:99999" },
			want: []string{`addr "x:y": port "y" must be a number between 0 and 65535`, `debug_addr "localhost:99999": port "99999" must be a number between 0 and 65535`}},

		{name: "database postgres", mutate: func(c *Config) { c.Database = "postgres://u:p@db:5432/gognito?sslmode=disable" }},
		{name: "database postgresql", mutate: func(c *Config) { c.Database = "postgresql://db/gognito" }},
		{name: "database sqlite relative", mutate: func(c *Config) { c.Database = "sqlite:gognito.db" }},
		{name: "database unsupported scheme hides dsn", mutate: func(c *Config) { c.Database = "mysql://root:hunter2@db/x" },
			want: []string{`database: unsupported scheme "mysql" (want postgres://, postgresql:// or sqlite:<path>)`}},
		{name: "database no scheme", mutate: func(c *Config) { c.Database = "/var/lib/gognito.db" },
			want: []string{`database: missing scheme (want postgres://, postgresql:// or sqlite:<path>)`}},
		{name: "database sqlite empty path", mutate: func(c *Config) { c.Database = "sqlite:" },
			want: []string{`database "sqlite:": sqlite: needs a path, e.g. sqlite:/var/lib/gognito/gognito.db`}},
		{name: "database bad postgres url", mutate: func(c *Config) { c.Database = "postgres://db:port/x" },
			want: []string{`database: invalid PostgreSQL URL: invalid port ":port" after host`}},
		{name: "database postgres fragment redacts password", mutate: func(c *Config) { c.Database = "postgres://u:hunter2@db/x#frag" },
			want: []string{`database "postgres://u:xxxxx@db/x#frag": PostgreSQL URL must not have a fragment`}},

		{name: "region gov", mutate: func(c *Config) { c.Region = "us-gov-west-1" }},
		{name: "region iso", mutate: func(c *Config) { c.Region = "us-isob-east-1" }},
		{name: "region uppercase", mutate: func(c *Config) { c.Region = "US-EAST-1" },
			want: []string{`region "US-EAST-1": must look like "us-east-1" (lowercase letters, digits and hyphens)`}},
		{name: "region underscore", mutate: func(c *Config) { c.Region = "us_east_1" },
			want: []string{`region "us_east_1": must look like "us-east-1" (lowercase letters, digits and hyphens)`}},
		{name: "region no number", mutate: func(c *Config) { c.Region = "local" },
			want: []string{`region "local": must look like "us-east-1" (lowercase letters, digits and hyphens)`}},
		{name: "region empty", mutate: func(c *Config) { c.Region = "" },
			want: []string{`region "": must look like "us-east-1" (lowercase letters, digits and hyphens)`}},

		{name: "account id short", mutate: func(c *Config) { c.AccountID = "12345" },
			want: []string{`account_id "12345": must be exactly 12 decimal digits`}},
		{name: "account id letters", mutate: func(c *Config) { c.AccountID = "12345678901a" },
			want: []string{`account_id "12345678901a": must be exactly 12 decimal digits`}},
		{name: "account id long", mutate: func(c *Config) { c.AccountID = "1234567890123" },
			want: []string{`account_id "1234567890123": must be exactly 12 decimal digits`}},

		{name: "public url http", mutate: func(c *Config) { c.PublicURL = "http://localhost:9229" }},
		{name: "public url https with path", mutate: func(c *Config) { c.PublicURL = "https://idp.example.com/cognito/" }},
		{name: "public url relative", mutate: func(c *Config) { c.PublicURL = "/cognito" },
			want: []string{`public_url "/cognito": must be an absolute http or https URL`}},
		{name: "public url ftp", mutate: func(c *Config) { c.PublicURL = "ftp://example.com" },
			want: []string{`public_url "ftp://example.com": must be an absolute http or https URL`}},
		{name: "public url without scheme", mutate: func(c *Config) { c.PublicURL = "localhost:9229" },
			want: []string{`public_url "localhost:9229": must be an absolute http or https URL`}},
		{name: "public url no host", mutate: func(c *Config) { c.PublicURL = "http://" },
			want: []string{`public_url "http://": must include a host`}},
		{name: "public url query", mutate: func(c *Config) { c.PublicURL = "http://localhost:9229/?a=b" },
			want: []string{`public_url "http://localhost:9229/?a=b": must not include a query`}},
		{name: "public url empty query", mutate: func(c *Config) { c.PublicURL = "http://localhost:9229?" },
			want: []string{`public_url "http://localhost:9229?": must not include a query`}},
		{name: "public url fragment", mutate: func(c *Config) { c.PublicURL = "http://localhost#x" },
			want: []string{`public_url "http://localhost#x": must not include a fragment`}},
		{name: "public url userinfo", mutate: func(c *Config) { c.PublicURL = "http://u:p@localhost" },
			want: []string{`public_url "http://u:p@localhost": must not include user information`}},
		{name: "public url unparsable", mutate: func(c *Config) { c.PublicURL = "http://a b" },
			want: []string{`public_url "http://a b": invalid URL: invalid character " " in host name`}},

		{name: "smtp valid", mutate: func(c *Config) { c.SMTP = SMTP{Host: "smtp.example.com", From: "Gognito <noreply@example.com>"} }},
		{name: "smtp local relay with auth in clear", mutate: func(c *Config) {
			c.SMTP = SMTP{Host: "localhost", Port: 1025, TLS: "none", Username: "u", Password: "p", From: "a@b.c"}
		}},
		{name: "smtp without from", mutate: func(c *Config) { c.SMTP = SMTP{Host: "smtp.example.com"} },
			want: []string{`smtp.from: from address is required`}},
		{name: "smtp bad port and tls", mutate: func(c *Config) { c.SMTP = SMTP{Host: "smtp.example.com", From: "a@b.c", Port: 70000, TLS: "ssl"} },
			want: []string{`smtp.tls: tls mode "ssl" is not none, starttls or tls`, `smtp.port: port 70000 is out of range`}},
		{name: "smtp bad from", mutate: func(c *Config) { c.SMTP = SMTP{Host: "smtp.example.com", From: "not an address"} },
			want: []string{`smtp.from: from address "not an address": mail: no angle-addr`}},
		{name: "smtp password without username", mutate: func(c *Config) { c.SMTP = SMTP{Host: "smtp.example.com", From: "a@b.c", Password: "p"} },
			want: []string{`smtp.password: password set without username`}},
		{name: "smtp auth in clear to a remote host", mutate: func(c *Config) {
			c.SMTP = SMTP{Host: "smtp.example.com", From: "a@b.c", TLS: "none", Username: "u", Password: "p"}
		}, want: []string{`smtp.username: authentication without TLS is only allowed to localhost`}},
		{name: "smtp settings ignored without host", mutate: func(c *Config) { c.SMTP = SMTP{Port: -1, TLS: "ssl"} }},

		{name: "log level upper case", mutate: func(c *Config) { c.LogLevel = "DEBUG" }},
		{name: "log level bad", mutate: func(c *Config) { c.LogLevel = "verbose" },
			want: []string{`log_level "verbose": must be one of debug, info, warn, error`}},
		{name: "log format json", mutate: func(c *Config) { c.LogFormat = "JSON" }},
		{name: "log format bad", mutate: func(c *Config) { c.LogFormat = "xml" },
			want: []string{`log_format "xml": must be text or json`}},
		{name: "mode production", mutate: func(c *Config) {
			c.Mode = "production"
			c.Credentials = []Credential{{AccessKeyID: "AKID", SecretAccessKey: "s"}}
			c.DataKey = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
		}},
		{name: "production without credentials", mutate: func(c *Config) { c.Mode = ModeProduction; c.DataKey = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=" },
			want: []string{`credentials: at least one access key is required in production mode, so that IAM-authorized operations are verified with SigV4`}},
		{name: "production without data key", mutate: func(c *Config) {
			c.Mode = ModeProduction
			c.Credentials = []Credential{{AccessKeyID: "AKID", SecretAccessKey: "s"}}
		}, want: []string{`data_key: is required in production mode (base64 of 32 random bytes, e.g. openssl rand -base64 32)`}},
		{name: "short data key", mutate: func(c *Config) { c.DataKey = "AQID" },
			want: []string{`data_key: the data key must decode to 32 bytes, got 3`}},
		{name: "mode bad", mutate: func(c *Config) { c.Mode = "prod" },
			want: []string{`mode "prod": must be development or production`}},

		{name: "max body lower bound", mutate: func(c *Config) { c.MaxBodyBytes = 1024 }},
		{name: "max body upper bound", mutate: func(c *Config) { c.MaxBodyBytes = 64 << 20 }},
		{name: "max body too small", mutate: func(c *Config) { c.MaxBodyBytes = 1023 },
			want: []string{`max_body_bytes 1023: must be between 1024 (1 KiB) and 67108864 (64 MiB)`}},
		{name: "max body too large", mutate: func(c *Config) { c.MaxBodyBytes = 64<<20 + 1 },
			want: []string{`max_body_bytes 67108865: must be between 1024 (1 KiB) and 67108864 (64 MiB)`}},
		{name: "shutdown zero", mutate: func(c *Config) { c.ShutdownTimeout = 0 },
			want: []string{`shutdown_timeout 0s: must be positive`}},
		{name: "shutdown negative", mutate: func(c *Config) { c.ShutdownTimeout = -time.Second },
			want: []string{`shutdown_timeout -1s: must be positive`}},

		{name: "credentials ok", mutate: func(c *Config) {
			c.Credentials = []Credential{{"AKID1", "s1"}, {"AKID2", "s2"}}
		}},
		{name: "credentials missing fields", mutate: func(c *Config) {
			c.Credentials = []Credential{{"AKID1", "s1"}, {"", ""}, {"AKID3", ""}}
		}, want: []string{
			`credentials[1].access_key_id: required`,
			`credentials[1].secret_access_key: required`,
			`credentials[2].secret_access_key: required`,
		}},
		{name: "credentials duplicate", mutate: func(c *Config) {
			c.Credentials = []Credential{{"AKID1", "s1"}, {"AKID2", "s2"}, {"AKID1", "s3"}}
		}, want: []string{`credentials[2].access_key_id "AKID1": duplicates credentials[0]`}},
		{name: "credentials bad characters", mutate: func(c *Config) {
			c.Credentials = []Credential{{"AK/ID", "s1"}, {"AK ID", "s2"}}
		}, want: []string{
			`credentials[0].access_key_id "AK/ID": must not contain whitespace, '/', ',' or '='`,
			`credentials[1].access_key_id "AK ID": must not contain whitespace, '/', ',' or '='`,
		}},

		{name: "id seed in development", mutate: func(c *Config) { c.IDSeed = 7 }},
		{name: "id seed in production", mutate: func(c *Config) {
			c.IDSeed = 7
			c.Mode = ModeProduction
			c.Credentials = []Credential{{AccessKeyID: "AKID", SecretAccessKey: "s"}}
			c.DataKey = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
		},
			want: []string{`id_seed 7: must be 0 in production mode (deterministic IDs are for tests)`}},

		{name: "everything wrong at once", mutate: func(c *Config) {
			*c = Config{Database: "redis://x", Region: "x", AccountID: "1", PublicURL: "ftp://x",
				LogLevel: "loud", LogFormat: "yaml", Mode: "test", MaxBodyBytes: 0, ShutdownTimeout: 0,
				Credentials: []Credential{{}}}
		}, want: []string{
			`addr: required`,
			`database: unsupported scheme "redis" (want postgres://, postgresql:// or sqlite:<path>)`,
			`region "x": must look like "us-east-1" (lowercase letters, digits and hyphens)`,
			`account_id "1": must be exactly 12 decimal digits`,
			`public_url "ftp://x": must be an absolute http or https URL`,
			`log_level "loud": must be one of debug, info, warn, error`,
			`log_format "yaml": must be text or json`,
			`mode "test": must be development or production`,
			`max_body_bytes 0: must be between 1024 (1 KiB) and 67108864 (64 MiB)`,
			`shutdown_timeout 0s: must be positive`,
			`credentials[0].access_key_id: required`,
			`credentials[0].secret_access_key: required`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validBase()
			tt.mutate(&c)
			err := c.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Validate() lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("Validate() leaked a password: %v", err)
			}
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("Validate() error %T is not a joined error", err)
			}
			for _, e := range joined.Unwrap() {
				var fe *FieldError
				if !errors.As(e, &fe) || fe.Field == "" {
					t.Errorf("problem %v is not a *FieldError with a field", e)
				}
			}
		})
	}
}

func TestValidateDataDir(t *testing.T) {
	t.Run("created when missing", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b")
		c := Default()
		c.DataDir = dir
		if err := c.Validate(); err != nil {
			t.Fatalf("Validate() = %v", err)
		}
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() {
			t.Fatalf("data dir not created: %v", err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 0 {
			t.Fatalf("probe file left behind: %v", entries)
		}
	})
	t.Run("uncreatable", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		c := Default()
		c.DataDir = filepath.Join(file, "sub")
		err := c.Validate()
		want := fmt.Sprintf("data_dir %q: cannot create directory: not a directory", c.DataDir)
		if err == nil || err.Error() != want {
			t.Fatalf("Validate() = %v, want %q", err, want)
		}
	})
	t.Run("is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		c := Default()
		c.DataDir = file
		err := c.Validate()
		want := fmt.Sprintf("data_dir %q: cannot create directory: not a directory", file)
		if err == nil || err.Error() != want {
			t.Fatalf("Validate() = %v, want %q", err, want)
		}
	})
	t.Run("not writable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores directory permissions")
		}
		dir := filepath.Join(t.TempDir(), "ro")
		if err := os.Mkdir(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		c := Default()
		c.DataDir = dir
		err := c.Validate()
		want := fmt.Sprintf("data_dir %q: directory is not writable: permission denied", dir)
		if err == nil || err.Error() != want {
			t.Fatalf("Validate() = %v, want %q", err, want)
		}
	})
	t.Run("empty", func(t *testing.T) {
		c := Default()
		c.DataDir = ""
		err := c.Validate()
		want := "data_dir: required when database is empty (embedded SQLite)"
		if err == nil || err.Error() != want {
			t.Fatalf("Validate() = %v, want %q", err, want)
		}
	})
	t.Run("ignored when database set", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, db := range []string{"postgres://db/x", "sqlite:/tmp/x.db"} {
			c := Default()
			c.Database = db
			c.DataDir = filepath.Join(file, "sub")
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate() with database %q = %v, want nil", db, err)
			}
		}
		dir := filepath.Join(t.TempDir(), "never")
		c := Default()
		c.Database = "postgres://db/x"
		c.DataDir = dir
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("data dir touched although database is set: %v", err)
		}
	})
}

func TestLogger(t *testing.T) {
	tests := []struct {
		level, format string
		wantDebug     bool
		wantInfo      bool
		wantWarn      bool
		json          bool
	}{
		{level: "debug", format: "text", wantDebug: true, wantInfo: true, wantWarn: true},
		{level: "info", format: "text", wantInfo: true, wantWarn: true},
		{level: "WARN", format: "json", wantWarn: true, json: true},
		{level: "error", format: "json", json: true},
		{level: "bogus", format: "bogus", wantInfo: true, wantWarn: true}, // falls back to info/text
	}
	for _, tt := range tests {
		t.Run(tt.level+"/"+tt.format, func(t *testing.T) {
			var buf bytes.Buffer
			c := Default()
			c.LogLevel, c.LogFormat = tt.level, tt.format
			log := c.Logger(&buf)
			log.Debug("d-msg")
			log.Info("i-msg")
			log.Warn("w-msg", "k", "v")
			out := buf.String()
			for msg, want := range map[string]bool{"d-msg": tt.wantDebug, "i-msg": tt.wantInfo, "w-msg": tt.wantWarn} {
				if got := strings.Contains(out, msg); got != want {
					t.Errorf("output contains %s = %v, want %v; output:\n%s", msg, got, want, out)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if line == "" {
					continue
				}
				isJSON := json.Valid([]byte(line))
				if isJSON != tt.json {
					t.Errorf("line %q: JSON = %v, want %v", line, isJSON, tt.json)
				}
				if !tt.json && !strings.Contains(line, "msg=") {
					t.Errorf("line %q is not slog text", line)
				}
			}
		})
	}
}

func TestCredentialsAreRedacted(t *testing.T) {
	c := Default()
	c.Credentials = []Credential{{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "topsecretvalue"}}
	c.Database = "postgres://gognito:hunter2@db:5432/gognito"
	var jsonBuf, textBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonBuf, nil)).Info("config", "config", c, "cred", c.Credentials[0])
	slog.New(slog.NewTextHandler(&textBuf, nil)).Info("config", "config", c, "cred", c.Credentials[0])
	outputs := map[string]string{
		"%v":        fmt.Sprintf("%v", c.Credentials),
		"%+v":       fmt.Sprintf("%+v", c.Credentials[0]),
		"%s":        fmt.Sprintf("%s", c.Credentials[0]),
		"slog json": jsonBuf.String(),
		"slog text": textBuf.String(),
	}
	for name, out := range outputs {
		if strings.HasPrefix(name, "slog") {
			if strings.Contains(out, "hunter2") {
				t.Errorf("%s output leaks the database password: %s", name, out)
			}
			if !strings.Contains(out, "db:5432") || !strings.Contains(out, "us-east-1") {
				t.Errorf("%s output lost non-secret fields: %s", name, out)
			}
		}
		if strings.Contains(out, "topsecretvalue") {
			t.Errorf("%s output leaks the secret: %s", name, out)
		}
		if !strings.Contains(out, "AKIDEXAMPLE") {
			t.Errorf("%s output lost the access key id: %s", name, out)
		}
	}
}

func TestPublicBaseURL(t *testing.T) {
	tests := map[string]string{
		"":                        "",
		"http://localhost:9229":   "http://localhost:9229",
		"http://localhost:9229/":  "http://localhost:9229",
		"https://example.com/a//": "https://example.com/a",
	}
	for in, want := range tests {
		c := Config{PublicURL: in}
		if got := c.PublicBaseURL(); got != want {
			t.Errorf("PublicBaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}
