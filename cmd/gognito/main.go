package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3").
var version = "dev"

const usage = `Usage: gognito <command> [flags]

Commands:
  serve     run the server (default address 127.0.0.1:9229, data in ./.gognito)
  migrate   apply storage migrations and exit
  messages  list, show or clear the development inbox of a running server
  version   print the version

Run 'gognito <command> -h' for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr, getenv)
	case "migrate":
		return migrate(ctx, args[1:], stdout, stderr, getenv)
	case "messages":
		return messagesCmd(ctx, args[1:], stdout, stderr, getenv)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "gognito", versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "gognito: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func versionString() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

// loadConfig builds the configuration: defaults < file < environment < flags.
func loadConfig(name string, args []string, stderr io.Writer, getenv func(string) string) (config.Config, error) {
	fs := flag.NewFlagSet("gognito "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "YAML configuration file")
	addr := fs.String("addr", "", "listen address (default "+config.DefaultAddr+")")
	dataDir := fs.String("data-dir", "", "directory of the embedded SQLite database (default "+config.DefaultDataDir+")")
	database := fs.String("database", "", "database DSN: postgres://… or sqlite:<path> (default: embedded SQLite in the data dir)")
	region := fs.String("region", "", "region used when a request is unsigned (default "+config.DefaultRegion+")")
	account := fs.String("account-id", "", "AWS account id used in ARNs")
	publicURL := fs.String("public-url", "", "externally visible base URL, used in token issuers")
	logLevel := fs.String("log-level", "", "debug, info, warn or error")
	logFormat := fs.String("log-format", "", "text or json")
	mode := fs.String("mode", "", "development or production")
	debugAddr := fs.String("debug-addr", "", "serve Go profiles (/debug/pprof/) on this address; off when empty")
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	if fs.NArg() > 0 {
		return config.Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return config.Config{}, err
	}
	if err := config.ApplyEnv(&cfg, getenv); err != nil {
		return config.Config{}, err
	}
	for _, f := range []struct {
		flag  string
		dst   *string
		value string
	}{
		{"addr", &cfg.Addr, *addr}, {"data-dir", &cfg.DataDir, *dataDir}, {"database", &cfg.Database, *database},
		{"region", &cfg.Region, *region}, {"account-id", &cfg.AccountID, *account}, {"public-url", &cfg.PublicURL, *publicURL},
		{"log-level", &cfg.LogLevel, *logLevel}, {"log-format", &cfg.LogFormat, *logFormat}, {"mode", &cfg.Mode, *mode},
		{"debug-addr", &cfg.DebugAddr, *debugAddr},
	} {
		if isSet(fs, f.flag) {
			*f.dst = f.value
		}
	}
	if err := cfg.Validate(); err != nil {
		return config.Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := loadConfig("serve", args, stderr, getenv)
	if err != nil {
		return configError(stderr, err)
	}
	logger := cfg.Logger(stderr)
	tuneGC(getenv)
	a, err := app.New(ctx, cfg, app.Options{Logger: logger})
	if err != nil {
		logger.Error("start-up failed", "error", err)
		return 1
	}
	if cfg.DebugAddr != "" {
		stop, err := startDebug(ctx, cfg.DebugAddr, logger)
		if err != nil {
			logger.Error("start-up failed: debug listener", "error", err)
			_ = a.Close()
			return 1
		}
		defer stop()
	}
	err = a.ListenAndServe(ctx, func(addr net.Addr) {
		logger.Info("gognito listening", "addr", addr.String(), "endpoint", "http://"+addr.String(),
			"storage", app.StorageDescription(cfg), "region", cfg.Region, "mode", cfg.Mode, "version", versionString())
	})
	closeErr := a.Close()
	if err != nil {
		logger.Error("server stopped with an error", "error", err)
		return 1
	}
	if closeErr != nil {
		logger.Error("closing storage failed", "error", closeErr)
		return 1
	}
	logger.Info("gognito stopped")
	return 0
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := loadConfig("migrate", args, stderr, getenv)
	if err != nil {
		return configError(stderr, err)
	}
	st, err := app.OpenStore(ctx, cfg) // opening applies every pending migration
	if err != nil {
		fmt.Fprintln(stderr, "gognito migrate:", err)
		return 1
	}
	if err := st.Close(); err != nil {
		fmt.Fprintln(stderr, "gognito migrate:", err)
		return 1
	}
	fmt.Fprintln(stdout, "migrations applied to", app.StorageDescription(cfg))
	return 0
}

func configError(stderr io.Writer, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "gognito:", err)
	return 2
}
