package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/messaging"
)

const (
	testAccessKeyID = "AKIDAPPTEST"
	testSecret      = "app-test-secret"
	testDataKey     = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
	testInboxToken  = "inbox-s3cret"
)

// newApp builds an App from cfg (validated first) and returns its handler.
func newApp(t *testing.T, cfg config.Config) http.Handler {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	a, err := app.New(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	})
	return a.Handler()
}

// callIDP sends a SigV4-signed Cognito user pools operation and decodes
// the answer into out (when non-nil).
func callIDP(t *testing.T, h http.Handler, op, body string, out any) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://gognito.test/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "cognito-idp", config.DefaultRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", op, w.Code, w.Body)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
}

// getInbox lists the inbox with the given Authorization header ("" for
// none) and returns the status and body.
func getInbox(h http.Handler, authorization string) (int, string) {
	r := httptest.NewRequest(http.MethodGet, messaging.InboxPath+"?destination=jane@example.com", nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// sendInvitation creates a pool and a user with an email, which sends the
// invitation through the configured senders.
func sendInvitation(t *testing.T, h http.Handler) {
	t.Helper()
	var pool struct{ UserPool struct{ Id string } }
	callIDP(t, h, "CreateUserPool", `{"PoolName":"inbox"}`, &pool)
	callIDP(t, h, "AdminCreateUser", `{"UserPoolId":"`+pool.UserPool.Id+`","Username":"jane",`+
		`"UserAttributes":[{"Name":"email","Value":"jane@example.com"}],"DesiredDeliveryMediums":["EMAIL"]}`, nil)
}

func productionConfig(t *testing.T) config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Mode = config.ModeProduction
	cfg.Credentials = []config.Credential{{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecret}}
	cfg.DataKey = testDataKey
	return cfg
}

func TestInboxProductionWithToken(t *testing.T) {
	cfg := productionConfig(t)
	cfg.InboxToken = testInboxToken
	h := newApp(t, cfg)
	sendInvitation(t, h)

	if status, body := getInbox(h, ""); status != http.StatusUnauthorized {
		t.Errorf("without token: %d %s, want 401", status, body)
	}
	if status, body := getInbox(h, "Bearer wrong"); status != http.StatusUnauthorized {
		t.Errorf("wrong token: %d %s, want 401", status, body)
	}
	status, body := getInbox(h, "Bearer "+testInboxToken)
	if status != http.StatusOK {
		t.Fatalf("with token: %d %s", status, body)
	}
	var list messaging.InboxList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Messages) != 1 || list.Messages[0].Destination != "jane@example.com" || list.Messages[0].Kind == "" {
		t.Errorf("inbox lists %s, want the invitation to jane@example.com", body)
	}
}

func TestInboxProductionWithoutToken(t *testing.T) {
	cfg := productionConfig(t)
	h := newApp(t, cfg)
	if status, body := getInbox(h, ""); status != http.StatusNotFound {
		t.Errorf("production without inbox_token: %d %s, want 404", status, body)
	}
}

func TestInboxDevelopment(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	h := newApp(t, cfg)
	sendInvitation(t, h)
	status, body := getInbox(h, "")
	if status != http.StatusOK || !strings.Contains(body, `"destination":"jane@example.com"`) {
		t.Errorf("development inbox: %d %s", status, body)
	}

	cfg.DataDir = t.TempDir()
	cfg.InboxToken = testInboxToken
	h = newApp(t, cfg)
	if status, body := getInbox(h, ""); status != http.StatusUnauthorized {
		t.Errorf("development with inbox_token, no token: %d %s, want 401", status, body)
	}
	if status, body := getInbox(h, "Bearer "+testInboxToken); status != http.StatusOK {
		t.Errorf("development with inbox_token: %d %s", status, body)
	}
}
