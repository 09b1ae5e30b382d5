package auth

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	long := strings.Repeat("lang genug und länger ", 200)
	for _, pw := range []string{"correct horse battery", "mit:doppel:punkt", "ünïcødé-pässwört", long} {
		h, err := HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("hash %q is not argon2id in PHC format with m=19 MiB, t=2", h)
		}
		if ok, rehash, err := VerifyPassword(h, pw); !ok || rehash || err != nil {
			t.Errorf("VerifyPassword(own hash) = %v, %v, %v; want true, false, nil", ok, rehash, err)
		}
		if ok, _, _ := VerifyPassword(h, pw+"x"); ok {
			t.Errorf("a wrong password matched")
		}
	}
	a, _ := HashPassword("same password")
	b, _ := HashPassword("same password")
	if a == b {
		t.Error("two hashes of one password are equal; the salt is missing")
	}
}

func TestVerifyOldAndWeakHashesAsksForRehash(t *testing.T) {
	tests := []struct {
		name, hash, password string
		wantOK, wantRehash   bool
	}{
		{"werkzeug pbkdf2", "pbkdf2:sha256:1000$abc$7b30303d6ff0baca5253cdd9e1a5362cfe7e75efd1a8add116bade65b245a843", "secret", true, true},
		{"werkzeug pbkdf2 wrong", "pbkdf2:sha256:1000$abc$7b30303d6ff0baca5253cdd9e1a5362cfe7e75efd1a8add116bade65b245a843", "Secret", false, false},
		// argon2id with m=4096,t=1 (made with this package's parameters lowered).
		{"weak argon2id", weakHash(t, "secret"), "secret", true, true},
		{"unusable", "!", "!", false, false},
		{"empty", "", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, _ := VerifyPassword(tt.hash, tt.password)
			if ok != tt.wantOK || rehash != tt.wantRehash {
				t.Errorf("VerifyPassword = %v, %v; want %v, %v", ok, rehash, tt.wantOK, tt.wantRehash)
			}
		})
	}
}

func TestMalformedArgon2HashesAreRefused(t *testing.T) {
	good, _ := HashPassword("secret secret")
	parts := strings.Split(good, "$")
	for name, bad := range map[string]string{
		"too few parts":   "$argon2id$v=19$m=19456,t=2,p=1$abc",
		"wrong version":   strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":     strings.Replace(good, "m=19456", "m=99999999", 1),
		"zero time":       strings.Replace(good, "t=2", "t=0", 1),
		"salt not base64": strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		"short key":       strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
	} {
		if ok, _, err := VerifyPassword(bad, "secret secret"); ok || err == nil {
			t.Errorf("%s: VerifyPassword = %v, %v; want false and an error", name, ok, err)
		}
	}
}

func TestCheckNewPassword(t *testing.T) {
	for pw, wantOK := range map[string]bool{"": false, "123456789": false, "1234567890": true, "äöüäöüäöüä": true, "äöüäöüäöü": false} {
		if err := CheckNewPassword(pw); (err == nil) != wantOK {
			t.Errorf("CheckNewPassword(%q) = %v, want ok=%v", pw, err, wantOK)
		}
	}
}

func weakHash(t *testing.T, pw string) string {
	t.Helper()
	h, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	// Same salt and parameters would give a different key; recompute with
	// lowered parameters instead of editing the string.
	p, _ := parseArgon2(h)
	p.memory, p.time = 4096, 1
	return encodeArgon2(pw, p)
}
