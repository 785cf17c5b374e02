package userpool

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store"
)

// deviceData is a device's document: its name, whether ConfirmDevice
// happened, and where it was last used.
type deviceData struct {
	Name      string `json:"name,omitempty"`
	Confirmed bool   `json:"confirmed,omitempty"`
	LastIP    string `json:"lastIp,omitempty"`
}

func decodeDevice(d store.Device) deviceData {
	var dd deviceData
	_ = json.Unmarshal(d.Data, &dd)
	return dd
}

func encodeDevice(d *store.Device, dd deviceData) {
	d.Data, _ = json.Marshal(dd)
}

// tracksDevices reports whether the pool remembers devices.
func (p poolView) tracksDevices() bool { return p.DeviceConfiguration != nil }

// remembersPastMFA reports whether a remembered device may sign in without
// MFA (DeviceConfiguration.ChallengeRequiredOnNewDevice).
func (p poolView) remembersPastMFA() bool {
	return p.DeviceConfiguration != nil && deref(p.DeviceConfiguration.ChallengeRequiredOnNewDevice)
}

// newDevice registers the device a sign-in will announce in
// NewDeviceMetadata; it becomes usable once ConfirmDevice sets its verifier.
func (s *Service) newDevice(ctx context.Context, p poolView, u store.User) (store.Device, error) {
	group, err := s.deviceGroupKey(ctx, p, u)
	if err != nil {
		return store.Device{}, err
	}
	now := s.clock()
	region, _, _ := strings.Cut(p.id(), "_")
	d := store.Device{PoolID: p.id(), UserKey: u.Key, Key: region + "_" + s.ids.UUID(), GroupKey: group,
		CreatedAt: now, UpdatedAt: now, LastAuthAt: now, LastModifiedAt: now}
	encodeDevice(&d, deviceData{LastIP: awsjson.RequestInfoFrom(ctx).SourceIP})
	return d, s.store.CreateDevice(ctx, d)
}

// deviceGroupKey returns the user's device group key, creating it once.
func (s *Service) deviceGroupKey(ctx context.Context, p poolView, u store.User) (string, error) {
	d, err := decodeUserData(&u)
	if err != nil {
		return "", err
	}
	if d.DeviceGroupKey != "" {
		return d.DeviceGroupKey, nil
	}
	var key string
	_, err = s.updateUser(ctx, p, u, func(_ *store.User, ud *userData) error {
		if ud.DeviceGroupKey == "" {
			ud.DeviceGroupKey = "-" + s.ids.Token(7)[:9]
		}
		key = ud.DeviceGroupKey
		return nil
	})
	return key, err
}

// knownDevice returns the confirmed device of the user with this key.
func (s *Service) knownDevice(ctx context.Context, p poolView, u store.User, key string) (*store.Device, error) {
	if key == "" {
		return nil, nil
	}
	d, err := s.store.GetDevice(ctx, p.id(), key)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	if d.UserKey != u.Key || !decodeDevice(d).Confirmed {
		return nil, nil
	}
	return &d, nil
}

// deviceChallenge asks a known device to prove itself (DEVICE_SRP_AUTH).
func (s *Service) deviceChallenge(ctx context.Context, st authStep, u store.User, authTime time.Time, d *store.Device) (authOutcome, error) {
	data := sessionData{Username: u.Username, AuthTime: &authTime, Admin: st.admin, DeviceKey: d.Key}
	return s.challenge(ctx, st, u, string(api.ChallengeNameTypeDeviceSrpAuth), data, map[string]string{})
}

// deviceSRPAuth answers DEVICE_SRP_AUTH with DEVICE_PASSWORD_VERIFIER: the
// device's salt, the server's B and a secret block.
func (s *Service) deviceSRPAuth(ctx context.Context, st authStep, session string) (authOutcome, error) {
	sess, d, err := s.takeSession(ctx, st.client, session, string(api.ChallengeNameTypeDeviceSrpAuth))
	if err != nil {
		return authOutcome{}, err
	}
	if st.params["SRP_A"] == "" {
		return authOutcome{}, missingParam("SRP_A")
	}
	if k := st.params["DEVICE_KEY"]; k != d.DeviceKey {
		return authOutcome{}, api.NewNotAuthorizedException("Invalid device key given.")
	}
	dev, err := s.store.GetDevice(ctx, st.client.pool.id(), d.DeviceKey)
	if err != nil {
		return authOutcome{}, storeErr(err, func() error { return api.NewNotAuthorizedException("Invalid device key given.") })
	}
	verifier, err := srp.DecodeHex(string(dev.Verifier))
	if err != nil {
		return authOutcome{}, api.NewNotAuthorizedException("Invalid device key given.")
	}
	server, err := srp.NewServerSession(rand.Reader, verifier)
	if err != nil {
		return authOutcome{}, err
	}
	d.SRPb, d.SRPB, d.SRPA, d.Verifier = srp.EncodeHex(server.Secret()), server.BHex(), st.params["SRP_A"], string(dev.Verifier)
	secretBlock := newOpaque(63)
	d.SecretBlock = secretBlock
	u := store.User{Key: sess.UserKey, Username: d.Username}
	out, err := s.challenge(ctx, st, u, string(api.ChallengeNameTypeDevicePasswordVerifier), d, map[string]string{
		"SALT": srp.EncodeSalt(dev.Salt), "SRP_B": server.BHex(), "SECRET_BLOCK": secretBlock,
		"USERNAME": d.Username, "DEVICE_KEY": dev.Key,
	})
	delete(out.params, "USER_ID_FOR_SRP")
	return out, err
}

// devicePasswordVerifier checks the device's SRP claim: the device group
// key and device key stand where SRP has the pool name and username.
func (s *Service) devicePasswordVerifier(ctx context.Context, st authStep, session string) (authOutcome, error) {
	sess, d, err := s.takeSession(ctx, st.client, session, string(api.ChallengeNameTypeDevicePasswordVerifier))
	if err != nil {
		return authOutcome{}, err
	}
	for _, k := range []string{"PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if st.params[k] == "" {
			return authOutcome{}, missingParam(k)
		}
	}
	p := st.client.pool
	dev, err := s.store.GetDevice(ctx, p.id(), d.DeviceKey)
	if err != nil {
		return authOutcome{}, storeErr(err, func() error { return api.NewNotAuthorizedException("Invalid device key given.") })
	}
	if st.params["PASSWORD_CLAIM_SECRET_BLOCK"] != d.SecretBlock || !verifySRPClaim(d, dev.GroupKey, dev.Key, st.params) {
		return authOutcome{}, api.NewNotAuthorizedException("Incorrect username or password.")
	}
	u, err := s.store.GetUser(ctx, p.id(), sess.UserKey)
	if err != nil {
		return authOutcome{}, storeErr(err, userNotFound)
	}
	if _, err := s.store.UpdateDevice(ctx, p.id(), dev.Key, func(x *store.Device) error {
		x.LastAuthAt = s.clock()
		dd := decodeDevice(*x)
		dd.LastIP = awsjson.RequestInfoFrom(ctx).SourceIP
		encodeDevice(x, dd)
		return nil
	}); err != nil {
		return authOutcome{}, err
	}
	authTime := s.clock()
	if d.AuthTime != nil {
		authTime = *d.AuthTime
	}
	// The device challenge comes after any second factor (or replaces it for
	// a remembered device): the sign-in is complete.
	return s.signedIn(ctx, st.client, u, authTime, dev.Key)
}

// ConfirmDevice stores the device's SRP verifier so it can sign in with
// DEVICE_SRP_AUTH; it is remembered at once unless the pool remembers
// devices only on the user's prompt.
func (s *Service) ConfirmDevice(ctx context.Context, in *api.ConfirmDeviceRequest) (*api.ConfirmDeviceResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := cl.client.pool
	if in.DeviceSecretVerifierConfig == nil {
		return nil, invalidParameter("DeviceSecretVerifierConfig is required.")
	}
	verifier, salt, err := srp.DecodeDeviceVerifierConfig(deref(in.DeviceSecretVerifierConfig.PasswordVerifier), deref(in.DeviceSecretVerifierConfig.Salt))
	if err != nil {
		return nil, invalidParameter("Invalid device secret verifier configuration.")
	}
	promptOnly := p.DeviceConfiguration != nil && deref(p.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt)
	_, err = s.store.UpdateDevice(ctx, p.id(), *in.DeviceKey, func(d *store.Device) error {
		if d.UserKey != cl.user.Key {
			return api.NewResourceNotFoundException("Device does not exist.")
		}
		dd := decodeDevice(*d)
		if dd.Confirmed {
			return api.NewInvalidParameterException("Device has already been confirmed.")
		}
		dd.Confirmed, dd.Name = true, deref(in.DeviceName)
		encodeDevice(d, dd)
		d.Verifier, d.Salt = []byte(srp.EncodeHex(verifier)), salt
		d.Remembered = !promptOnly
		d.UpdatedAt, d.LastModifiedAt = s.clock(), s.clock()
		return nil
	})
	if err != nil {
		return nil, storeErr(err, func() error { return api.NewResourceNotFoundException("Device does not exist.") })
	}
	return &api.ConfirmDeviceResponse{UserConfirmationNecessary: ptr(promptOnly)}, nil
}

// deviceType renders a device as Cognito lists it.
func deviceType(d store.Device) api.DeviceType {
	dd := decodeDevice(d)
	status := "not_remembered"
	if d.Remembered {
		status = "remembered"
	}
	attrs := []api.AttributeType{{Name: ptr("device_status"), Value: ptr("valid")}}
	if dd.Name != "" {
		attrs = append(attrs, api.AttributeType{Name: ptr("device_name"), Value: ptr(dd.Name)})
	}
	attrs = append(attrs, api.AttributeType{Name: ptr("device_remembered_status"), Value: ptr(status)})
	if dd.LastIP != "" {
		attrs = append(attrs, api.AttributeType{Name: ptr("last_ip_used"), Value: ptr(dd.LastIP)})
	}
	return api.DeviceType{
		DeviceKey: ptr(d.Key), DeviceAttributes: attrs, DeviceCreateDate: awsjson.TimeOf(d.CreatedAt),
		DeviceLastModifiedDate: awsjson.TimeOf(d.LastModifiedAt), DeviceLastAuthenticatedDate: awsjson.TimeOf(d.LastAuthAt),
	}
}

func deviceNotFound() error { return api.NewResourceNotFoundException("Device does not exist.") }

// userDevice returns a confirmed device of the user.
func (s *Service) userDevice(ctx context.Context, p poolView, u store.User, key string) (store.Device, error) {
	d, err := s.store.GetDevice(ctx, p.id(), key)
	if err != nil {
		return d, storeErr(err, deviceNotFound)
	}
	if d.UserKey != u.Key || !decodeDevice(d).Confirmed {
		return d, deviceNotFound()
	}
	return d, nil
}

// listDevices pages through a user's confirmed devices.
func (s *Service) listDevices(ctx context.Context, p poolView, u store.User, token *string, limit *int32) ([]api.DeviceType, *string, error) {
	page, err := pageRequest(token, limit)
	if err != nil {
		return nil, nil, err
	}
	out := []api.DeviceType{}
	for {
		devs, next, err := s.store.ListDevices(ctx, p.id(), u.Key, false, page)
		if err != nil {
			return nil, nil, err
		}
		for _, d := range devs {
			if decodeDevice(d).Confirmed {
				out = append(out, deviceType(d))
			}
		}
		if next == "" || len(out) >= page.Limit {
			return out, pageToken(next), nil
		}
		page.After = next
	}
}

// ListDevices lists the caller's devices.
func (s *Service) ListDevices(ctx context.Context, in *api.ListDevicesRequest) (*api.ListDevicesResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	devs, next, err := s.listDevices(ctx, cl.client.pool, cl.user, in.PaginationToken, in.Limit)
	if err != nil {
		return nil, err
	}
	return &api.ListDevicesResponse{Devices: devs, PaginationToken: next}, nil
}

// AdminListDevices lists a user's devices.
func (s *Service) AdminListDevices(ctx context.Context, in *api.AdminListDevicesRequest) (*api.AdminListDevicesResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	devs, next, err := s.listDevices(ctx, p, u, in.PaginationToken, in.Limit)
	if err != nil {
		return nil, err
	}
	return &api.AdminListDevicesResponse{Devices: devs, PaginationToken: next}, nil
}

// adminUser resolves the pool and user of an admin operation.
func (s *Service) adminUser(ctx context.Context, poolID, username string) (poolView, store.User, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return p, store.User{}, err
	}
	u, err := s.findUser(ctx, p, username)
	return p, u, err
}

// GetDevice returns one of the caller's devices.
func (s *Service) GetDevice(ctx context.Context, in *api.GetDeviceRequest) (*api.GetDeviceResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	d, err := s.userDevice(ctx, cl.client.pool, cl.user, *in.DeviceKey)
	if err != nil {
		return nil, err
	}
	dt := deviceType(d)
	return &api.GetDeviceResponse{Device: &dt}, nil
}

// AdminGetDevice returns one of a user's devices.
func (s *Service) AdminGetDevice(ctx context.Context, in *api.AdminGetDeviceRequest) (*api.AdminGetDeviceResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	d, err := s.userDevice(ctx, p, u, *in.DeviceKey)
	if err != nil {
		return nil, err
	}
	dt := deviceType(d)
	return &api.AdminGetDeviceResponse{Device: &dt}, nil
}

// setRemembered changes a device's remembered status.
func (s *Service) setRemembered(ctx context.Context, p poolView, u store.User, key string, status api.DeviceRememberedStatusType) error {
	if _, err := s.userDevice(ctx, p, u, key); err != nil {
		return err
	}
	_, err := s.store.UpdateDevice(ctx, p.id(), key, func(d *store.Device) error {
		d.Remembered = status == api.DeviceRememberedStatusTypeRemembered
		d.UpdatedAt, d.LastModifiedAt = s.clock(), s.clock()
		return nil
	})
	return storeErr(err, deviceNotFound)
}

// UpdateDeviceStatus remembers or forgets-to-remember one of the caller's devices.
func (s *Service) UpdateDeviceStatus(ctx context.Context, in *api.UpdateDeviceStatusRequest) (*api.UpdateDeviceStatusResponse, error) {
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.setRemembered(ctx, cl.client.pool, cl.user, *in.DeviceKey, deref(in.DeviceRememberedStatus)); err != nil {
		return nil, err
	}
	return &api.UpdateDeviceStatusResponse{}, nil
}

// AdminUpdateDeviceStatus does UpdateDeviceStatus as an administrator.
func (s *Service) AdminUpdateDeviceStatus(ctx context.Context, in *api.AdminUpdateDeviceStatusRequest) (*api.AdminUpdateDeviceStatusResponse, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.setRemembered(ctx, p, u, *in.DeviceKey, deref(in.DeviceRememberedStatus)); err != nil {
		return nil, err
	}
	return &api.AdminUpdateDeviceStatusResponse{}, nil
}

// forget deletes a device and revokes the tokens issued to it.
func (s *Service) forget(ctx context.Context, p poolView, u store.User, key string) error {
	if _, err := s.userDevice(ctx, p, u, key); err != nil {
		return err
	}
	if err := s.store.DeleteDevice(ctx, p.id(), key); err != nil {
		return storeErr(err, deviceNotFound)
	}
	_, err := s.store.RevokeUserTokens(ctx, p.id(), u.Key, key, s.clock())
	return err
}

// ForgetDevice forgets one of the caller's devices.
func (s *Service) ForgetDevice(ctx context.Context, in *api.ForgetDeviceRequest) (*api.ForgetDeviceOutput, error) {
	if in.AccessToken == nil {
		return nil, invalidParameter("AccessToken is required.")
	}
	cl, err := s.authorizeAccess(ctx, *in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.forget(ctx, cl.client.pool, cl.user, *in.DeviceKey); err != nil {
		return nil, err
	}
	return &api.ForgetDeviceOutput{}, nil
}

// AdminForgetDevice forgets one of a user's devices.
func (s *Service) AdminForgetDevice(ctx context.Context, in *api.AdminForgetDeviceRequest) (*api.AdminForgetDeviceOutput, error) {
	p, u, err := s.adminUser(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.forget(ctx, p, u, *in.DeviceKey); err != nil {
		return nil, err
	}
	return &api.AdminForgetDeviceOutput{}, nil
}
