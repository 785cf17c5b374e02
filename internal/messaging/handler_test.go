package messaging_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/messaging/messagingtest"
)

// newInboxServer serves InboxHandler over an in-memory store, mounted as
// the server is expected to mount it.
func newInboxServer(t *testing.T) (*httptest.Server, *messagingtest.Messages) {
	t.Helper()
	st := &messagingtest.Messages{}
	mux := http.NewServeMux()
	h := messaging.InboxHandler(st)
	mux.Handle(messaging.InboxPath, h)
	mux.Handle(messaging.InboxPath+"/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, st
}

func do(t *testing.T, method, url string, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("bad JSON %q: %v", body, err)
	}
	return v
}

// seed sends messages through the Inbox sender, as the server does.
func seed(t *testing.T, st *messagingtest.Messages) {
	t.Helper()
	in := messaging.NewInbox(st)
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	in.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	for _, m := range []messaging.Message{
		{Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: messaging.DefaultEmailSubject,
			Body: messaging.Render(messaging.DefaultEmailMessage, messaging.Vars{Code: "111111"}), PoolID: "us-east-1_A", Username: "jane", Kind: messaging.KindSignUp},
		{Channel: messaging.ChannelSMS, To: "+15555550100", Body: messaging.Render(messaging.DefaultSMSMessage, messaging.Vars{Code: "222222"}),
			PoolID: "us-east-1_A", Username: "bob", Kind: messaging.KindSignUp},
		{Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: messaging.DefaultForgotPasswordSubject,
			Body: messaging.Render(messaging.DefaultForgotPasswordMessage, messaging.Vars{Code: "333333"}), PoolID: "us-east-1_A", Username: "jane", Kind: messaging.KindForgotPassword},
		{Channel: messaging.ChannelEmail, To: "jane@example.com", Subject: messaging.DefaultInviteEmailSubject,
			Body: messaging.Render(messaging.DefaultInviteEmailMessage, messaging.Vars{Code: "Tmp-pass!", Username: "jane"}), PoolID: "us-east-1_B", Username: "jane", Kind: messaging.KindAdminCreateUser},
	} {
		if err := in.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
}

func TestInboxListNewestFirstWithCodes(t *testing.T) {
	srv, st := newInboxServer(t)
	seed(t, st)
	status, hdr, body := do(t, http.MethodGet, srv.URL+messaging.InboxPath, nil)
	if status != http.StatusOK || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q: %s", status, hdr.Get("Content-Type"), body)
	}
	list := decode[messaging.InboxList](t, body)
	if len(list.Messages) != 4 {
		t.Fatalf("got %d messages: %s", len(list.Messages), body)
	}
	wantIDs := []int64{4, 3, 2, 1}
	wantCodes := []string{"", "333333", "222222", "111111"}
	for i, m := range list.Messages {
		if m.ID != wantIDs[i] || m.Code != wantCodes[i] {
			t.Errorf("message %d: id %d code %q, want id %d code %q", i, m.ID, m.Code, wantIDs[i], wantCodes[i])
		}
	}
	first := list.Messages[3]
	want := messaging.InboxMessage{ID: 1, PoolID: "us-east-1_A", Username: "jane", Channel: "EMAIL", Destination: "jane@example.com",
		Subject: "Your verification code", Body: "Your verification code is 111111. ", Kind: "SignUp", Code: "111111", CreatedAt: "2026-03-01T12:00:01Z"}
	if first != want {
		t.Errorf("oldest message\n got %+v\nwant %+v", first, want)
	}
	// The raw JSON uses the documented names, and omits an absent code.
	if !strings.Contains(string(body), `"createdAt":"2026-03-01T12:00:04Z"`) || !strings.Contains(string(body), `"poolId":"us-east-1_B"`) {
		t.Errorf("unexpected JSON: %s", body)
	}
	var raw struct {
		Messages []map[string]any `json:"messages"`
	}
	_ = json.Unmarshal(body, &raw)
	if _, ok := raw.Messages[0]["code"]; ok {
		t.Errorf("code present for a message without one: %v", raw.Messages[0])
	}
	for _, k := range []string{"id", "poolId", "username", "channel", "destination", "subject", "body", "kind", "createdAt"} {
		if _, ok := raw.Messages[1][k]; !ok {
			t.Errorf("field %q missing: %v", k, raw.Messages[1])
		}
	}
}

func TestInboxFiltersAndLimit(t *testing.T) {
	srv, st := newInboxServer(t)
	seed(t, st)
	ids := func(query string) []int64 {
		t.Helper()
		status, _, body := do(t, http.MethodGet, srv.URL+messaging.InboxPath+query, nil)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", query, status, body)
		}
		var out []int64
		for _, m := range decode[messaging.InboxList](t, body).Messages {
			out = append(out, m.ID)
		}
		return out
	}
	for query, want := range map[string][]int64{
		"?poolId=us-east-1_A":                       {3, 2, 1},
		"?username=jane":                            {4, 3, 1},
		"?destination=%2B15555550100":               {2},
		"?to=jane%40example.com&poolId=us-east-1_A": {3, 1},
		"?limit=2":                {4, 3},
		"?limit=5000":             {4, 3, 2, 1},
		"?poolId=none":            nil,
		"/?username=jane&limit=1": {4},
		"?destination=jane%40example.com&to=jane%40example.com": {4, 3, 1},
	} {
		got := ids(query)
		if len(got) != len(want) {
			t.Errorf("%s: ids %v, want %v", query, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: ids %v, want %v", query, got, want)
				break
			}
		}
	}
	// An empty list is [] rather than null.
	if _, _, body := do(t, http.MethodGet, srv.URL+messaging.InboxPath+"?poolId=none", nil); !strings.Contains(string(body), `"messages":[]`) {
		t.Errorf("empty list encoded as %s", body)
	}
}

func TestInboxBadRequests(t *testing.T) {
	srv, st := newInboxServer(t)
	seed(t, st)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "?limit=0", http.StatusBadRequest},
		{http.MethodGet, "?limit=-3", http.StatusBadRequest},
		{http.MethodGet, "?limit=ten", http.StatusBadRequest},
		{http.MethodGet, "?pool=us-east-1_A", http.StatusBadRequest},
		{http.MethodGet, "?poolId=a&poolId=b", http.StatusBadRequest},
		{http.MethodGet, "?destination=a&to=b", http.StatusBadRequest},
		{http.MethodDelete, "?pool=us-east-1_A", http.StatusBadRequest}, // a typo must not delete everything
		{http.MethodDelete, "?limit=1", http.StatusBadRequest},
		{http.MethodGet, "/latest?limit=1", http.StatusBadRequest},
		{http.MethodPost, "", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/latest", http.StatusMethodNotAllowed},
		{http.MethodGet, "/nope", http.StatusNotFound},
	} {
		status, hdr, body := do(t, tc.method, srv.URL+messaging.InboxPath+tc.path, nil)
		if status != tc.status {
			t.Errorf("%s %s: status %d, want %d: %s", tc.method, tc.path, status, tc.status, body)
			continue
		}
		if e := decode[messaging.InboxError](t, body); e.Error == "" || hdr.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: error body %s", tc.method, tc.path, body)
		}
		if status == http.StatusMethodNotAllowed && hdr.Get("Allow") == "" {
			t.Errorf("%s %s: no Allow header", tc.method, tc.path)
		}
	}
	if n := len(st.All()); n != 4 {
		t.Fatalf("rejected requests changed the inbox: %d messages left", n)
	}
}

func TestInboxLatest(t *testing.T) {
	srv, st := newInboxServer(t)
	status, _, body := do(t, http.MethodGet, srv.URL+messaging.InboxPath+"/latest", nil)
	if status != http.StatusNotFound || decode[messaging.InboxError](t, body).Error == "" {
		t.Fatalf("empty inbox: status %d %s", status, body)
	}
	seed(t, st)
	for query, wantID := range map[string]int64{
		"":                                  4,
		"?destination=%2B15555550100":       2,
		"?username=jane&poolId=us-east-1_A": 3,
		"?to=jane%40example.com":            4,
	} {
		status, _, body := do(t, http.MethodGet, srv.URL+messaging.InboxPath+"/latest"+query, nil)
		if status != http.StatusOK {
			t.Errorf("latest%s: status %d %s", query, status, body)
			continue
		}
		if m := decode[messaging.InboxMessage](t, body); m.ID != wantID {
			t.Errorf("latest%s: id %d, want %d", query, m.ID, wantID)
		}
	}
	status, _, _ = do(t, http.MethodGet, srv.URL+messaging.InboxPath+"/latest?username=nobody", nil)
	if status != http.StatusNotFound {
		t.Errorf("no match: status %d", status)
	}
}

func TestInboxDelete(t *testing.T) {
	srv, st := newInboxServer(t)
	seed(t, st)
	status, _, body := do(t, http.MethodDelete, srv.URL+messaging.InboxPath+"?poolId=us-east-1_A&username=jane", nil)
	if status != http.StatusOK || decode[messaging.InboxDeleted](t, body).Deleted != 2 {
		t.Fatalf("filtered delete: %d %s", status, body)
	}
	_, _, body = do(t, http.MethodGet, srv.URL+messaging.InboxPath, nil)
	if n := len(decode[messaging.InboxList](t, body).Messages); n != 2 {
		t.Fatalf("%d messages left after deleting 2 of 4", n)
	}
	status, _, body = do(t, http.MethodDelete, srv.URL+messaging.InboxPath, nil)
	if status != http.StatusOK || decode[messaging.InboxDeleted](t, body).Deleted != 2 {
		t.Fatalf("delete all: %d %s", status, body)
	}
	_, _, body = do(t, http.MethodDelete, srv.URL+messaging.InboxPath, nil)
	if decode[messaging.InboxDeleted](t, body).Deleted != 0 {
		t.Fatalf("delete on empty inbox: %s", body)
	}
}

func TestInboxStoreFailure(t *testing.T) {
	st := &messagingtest.Messages{Err: errors.New("disk on fire")}
	srv := httptest.NewServer(messaging.InboxHandler(st))
	defer srv.Close()
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		if status, _, body := do(t, method, srv.URL+messaging.InboxPath, nil); status != http.StatusInternalServerError {
			t.Errorf("%s: status %d %s", method, status, body)
		}
	}
	err := messaging.NewInbox(st).Send(context.Background(), messaging.Message{Channel: messaging.ChannelSMS, To: "+1"})
	if !errors.Is(err, messaging.ErrDelivery) {
		t.Errorf("inbox store failure: %v does not wrap ErrDelivery", err)
	}
}

func TestRequireBearer(t *testing.T) {
	srv, st := newInboxServer(t)
	seed(t, st)
	guarded := httptest.NewServer(messaging.RequireBearer("s3cret-token", srv.Config.Handler))
	defer guarded.Close()
	for _, tc := range []struct {
		auth   string
		status int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer s3cret-token-longer", http.StatusUnauthorized},
		{"Basic s3cret-token", http.StatusUnauthorized},
		{"Bearer", http.StatusUnauthorized},
		{"Bearer s3cret-token", http.StatusOK},
		{"bearer  s3cret-token ", http.StatusOK},
	} {
		h := http.Header{}
		if tc.auth != "" {
			h.Set("Authorization", tc.auth)
		}
		status, hdr, body := do(t, http.MethodGet, guarded.URL+messaging.InboxPath, h)
		if status != tc.status {
			t.Errorf("Authorization %q: status %d, want %d: %s", tc.auth, status, tc.status, body)
		}
		if status == http.StatusUnauthorized && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q: WWW-Authenticate %q", tc.auth, hdr.Get("WWW-Authenticate"))
		}
	}
	// An empty configured token never lets anyone in.
	open := httptest.NewServer(messaging.RequireBearer("", srv.Config.Handler))
	defer open.Close()
	for _, auth := range []string{"", "Bearer ", "Bearer x"} {
		h := http.Header{"Authorization": {auth}}
		if status, _, _ := do(t, http.MethodGet, open.URL+messaging.InboxPath, h); status != http.StatusUnauthorized {
			t.Errorf("empty token, Authorization %q: status %d", auth, status)
		}
	}
}
