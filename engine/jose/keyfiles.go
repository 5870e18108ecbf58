package jose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/authlab/authlab/engine/limits"
)

// KeyFiles are the paths WriteKeyPair wrote; Public is "" for HS*.
type KeyFiles struct {
	Private string `json:"private"`
	Public  string `json:"public,omitempty"`
	JWKS    string `json:"jwks"`
}

// ExistsError says files are in the way and overwriting was not asked for.
type ExistsError struct{ Paths []string }

func (e *ExistsError) Error() string {
	verb := "exists"
	if len(e.Paths) > 1 {
		verb = "exist"
	}
	return fmt.Sprintf("%s already %s; pass --force to overwrite", strings.Join(e.Paths, ", "), verb)
}

// WriteKeyPair writes the pair into dir as NAME.pem (0600), NAME.pub.pem and
// NAME.jwks.json, or for HS* NAME.secret and NAME.jwks.json (both 0600, the
// JWKS holds the secret). Nothing is written if any file exists and
// overwrite is false (*ExistsError).
func WriteKeyPair(kp *KeyPair, dir, name string, overwrite bool) (KeyFiles, error) {
	base := filepath.Join(dir, name)
	type file struct {
		path string
		data []byte
		mode fs.FileMode
	}
	var files []file
	var out KeyFiles
	if kp.PublicPEM == nil {
		out = KeyFiles{Private: base + ".secret", JWKS: base + ".jwks.json"}
		files = []file{{out.Private, kp.PrivatePEM, 0o600}, {out.JWKS, kp.JWKS, 0o600}}
	} else {
		out = KeyFiles{Private: base + ".pem", Public: base + ".pub.pem", JWKS: base + ".jwks.json"}
		files = []file{{out.Private, kp.PrivatePEM, 0o600}, {out.Public, kp.PublicPEM, 0o644}, {out.JWKS, kp.JWKS, 0o644}}
	}
	if !overwrite {
		var exist []string
		for _, f := range files {
			if _, err := os.Lstat(f.path); err == nil {
				exist = append(exist, f.path)
			}
		}
		if len(exist) > 0 {
			return KeyFiles{}, &ExistsError{Paths: exist}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return KeyFiles{}, fmt.Errorf("creating %s: %w", dir, err)
	}
	for _, f := range files {
		if err := writeFileMode(f.path, f.data, f.mode); err != nil {
			return KeyFiles{}, err
		}
	}
	return out, nil
}

// writeFileMode writes data and forces mode even when the file existed
// (os.WriteFile only applies the mode to new files, and a private key must
// never be left world-readable).
func writeFileMode(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// AppendToJWKS adds k's public JWK to the JWKS file at path, creating it if
// needed: the way to build one JWKS from several keys (key rotation). The keys
// already there are kept as they are. Secrets are refused: a JWKS is meant to
// be published.
func AppendToJWKS(path string, k *Key) error {
	if k.Type == KeyOct {
		return errors.New("an HMAC secret has no public key to publish in a JWKS")
	}
	set := jwks{Keys: []json.RawMessage{}}
	data, err := limits.ReadFile(path, "JWKS file", limits.MaxKeyBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case limits.IsTooLarge(err):
		return err
	case err != nil:
		return fmt.Errorf("reading %s: %w", path, err)
	default:
		data = limits.StripBOM(data)
		if err := limits.CheckJSONDepth(data, limits.MaxDepth); err != nil {
			return fmt.Errorf("%s:%w", path, err)
		}
		if err := json.Unmarshal(data, &set); err != nil {
			return fmt.Errorf("%s: not a JWKS: %w", path, err)
		}
	}
	if k.KID != "" {
		existing, err := parseJWKS(data, path)
		if err == nil {
			for _, e := range existing.Keys {
				if e.KID == k.KID {
					return fmt.Errorf("%s already has a key with kid %s", path, k.KID)
				}
			}
		}
	}
	j, err := k.PublicOnly().MarshalJWK(false)
	if err != nil {
		return err
	}
	set.Keys = append(set.Keys, j)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(set); err != nil {
		return err
	}
	return writeFileMode(path, buf.Bytes(), 0o644)
}
