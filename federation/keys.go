package federation

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/bastide47/bastide/db"
)

// keyBits is the size of the RSA keys we generate (Mobilizon's too).
const keyBits = 2048

// minKeyBits refuses weak remote keys.
const minKeyBits = 2048

// Meta keys of the relay's key pair.
const (
	metaRelayPrivate = "federation.relay_private_key_pem"
	metaRelayPublic  = "federation.relay_public_key_pem"
	metaRelayPair    = "federation.relay_key_pair"
)

// generateKeyPair returns a new RSA key pair as PEM: PKCS#1 private key,
// and an SPKI ("BEGIN PUBLIC KEY") public key, which every implementation
// reads (Mobilizon reads both forms).
func generateKeyPair() (privPEM, pubPEM string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return "", "", fmt.Errorf("federation: generate key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", "", fmt.Errorf("federation: generate key: %w", err)
	}
	privPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	pubPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	return privPEM, pubPEM, nil
}

// parsePrivateKey reads a PKCS#1 or PKCS#8 RSA private key.
func parsePrivateKey(s string) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("federation: private key is not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("federation: private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("federation: private key is not RSA")
	}
	return rk, nil
}

// ParsePublicKey reads a remote RSA public key in SPKI ("BEGIN PUBLIC
// KEY") or PKCS#1 ("BEGIN RSA PUBLIC KEY", Mobilizon's form) PEM, and
// refuses other key types and keys under 2048 bits.
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("public key is not PEM")
	}
	var pub *rsa.PublicKey
	if k, err := x509.ParsePKIXPublicKey(b.Bytes); err == nil {
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key is %T, only RSA is supported", k)
		}
		pub = rk
	} else if rk, err2 := x509.ParsePKCS1PublicKey(b.Bytes); err2 == nil {
		pub = rk
	} else {
		return nil, fmt.Errorf("public key is neither SPKI nor PKCS#1: %v", err)
	}
	if pub.N.BitLen() < minKeyBits {
		return nil, fmt.Errorf("RSA key of %d bits is too weak (at least %d)", pub.N.BitLen(), minKeyBits)
	}
	return pub, nil
}

// keyring hands out the private keys of our actors, generating them on
// first need, and caches them parsed.
type keyring struct {
	store *db.Store
	mu    sync.Mutex
	// assoc caches by association id; 0 is the relay.
	priv  map[int64]*rsa.PrivateKey
	pub   map[int64]string
	slugs map[int64]string
}

func newKeyring(store *db.Store) *keyring {
	return &keyring{store: store, priv: map[int64]*rsa.PrivateKey{}, pub: map[int64]string{}, slugs: map[int64]string{}}
}

// relay returns the relay's key pair, creating it on first need.
func (k *keyring) relay(ctx context.Context) (*rsa.PrivateKey, string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if p, ok := k.priv[0]; ok {
		return p, k.pub[0], nil
	}
	privPEM, err1 := k.store.GetMeta(ctx, metaRelayPrivate)
	pubPEM, err2 := k.store.GetMeta(ctx, metaRelayPublic)
	if errors.Is(err1, db.ErrNotFound) || errors.Is(err2, db.ErrNotFound) {
		// One key pair, stored as one value so that two processes starting
		// at once (serve and a CLI command) agree on it.
		priv, pub, err := generateKeyPair()
		if err != nil {
			return nil, "", err
		}
		pair, err := k.store.InitMeta(ctx, metaRelayPair, priv+"\x00"+pub)
		if err != nil {
			return nil, "", err
		}
		privPEM, pubPEM, _ = strings.Cut(pair, "\x00")
		if err := k.store.SetMeta(ctx, metaRelayPrivate, privPEM); err != nil {
			return nil, "", err
		}
		if err := k.store.SetMeta(ctx, metaRelayPublic, pubPEM); err != nil {
			return nil, "", err
		}
	} else if err1 != nil || err2 != nil {
		return nil, "", errors.Join(err1, err2)
	}
	p, err := parsePrivateKey(privPEM)
	if err != nil {
		return nil, "", err
	}
	k.priv[0], k.pub[0] = p, pubPEM
	return p, pubPEM, nil
}

// association returns an association's key pair, generating and storing
// it on first need.
func (k *keyring) association(ctx context.Context, id int64) (*rsa.PrivateKey, string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if p, ok := k.priv[id]; ok {
		return p, k.pub[id], nil
	}
	a, err := k.store.GetAssociation(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if a.PrivateKeyPEM == "" || a.PublicKeyPEM == "" {
		a.PrivateKeyPEM, a.PublicKeyPEM, err = generateKeyPair()
		if err != nil {
			return nil, "", err
		}
		if err := k.store.UpdateAssociation(ctx, a); err != nil {
			return nil, "", err
		}
	}
	p, err := parsePrivateKey(a.PrivateKeyPEM)
	if err != nil {
		return nil, "", err
	}
	k.priv[id], k.pub[id] = p, a.PublicKeyPEM
	return p, a.PublicKeyPEM, nil
}

// forSigner returns the key of the relay (0) or of an association.
func (k *keyring) forSigner(ctx context.Context, associationID int64) (*rsa.PrivateKey, error) {
	if associationID == 0 {
		p, _, err := k.relay(ctx)
		return p, err
	}
	p, _, err := k.association(ctx, associationID)
	return p, err
}

// slug returns an association's slug (cached: slugs never change).
func (k *keyring) slug(ctx context.Context, id int64) (string, error) {
	k.mu.Lock()
	s, ok := k.slugs[id]
	k.mu.Unlock()
	if ok {
		return s, nil
	}
	a, err := k.store.GetAssociation(ctx, id)
	if err != nil {
		return "", err
	}
	k.mu.Lock()
	k.slugs[id] = a.Slug
	k.mu.Unlock()
	return a.Slug, nil
}

// forget drops a purged association's key and slug from the cache.
func (k *keyring) forget(id int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.priv, id)
	delete(k.pub, id)
	delete(k.slugs, id)
}
