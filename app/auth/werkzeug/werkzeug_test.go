package werkzeug

import "testing"

// The hashes were made with Python's hashlib exactly as werkzeug makes them.
func TestVerify(t *testing.T) {
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"pbkdf2 right", "pbkdf2:sha256:1000$abc$7b30303d6ff0baca5253cdd9e1a5362cfe7e75efd1a8add116bade65b245a843", "secret", true},
		{"pbkdf2 wrong", "pbkdf2:sha256:1000$abc$7b30303d6ff0baca5253cdd9e1a5362cfe7e75efd1a8add116bade65b245a843", "Secret", false},
		{"scrypt right", "scrypt:16384:8:1$xyz$eb606874917a560f1f9c45bf4ecfdb8bb262129a15515cdbb5034a744044d14887051c4cea9692160169bed64032825686372b4e630112d9b739712ce1174580", "secret", true},
		{"scrypt wrong", "scrypt:16384:8:1$xyz$eb606874917a560f1f9c45bf4ecfdb8bb262129a15515cdbb5034a744044d14887051c4cea9692160169bed64032825686372b4e630112d9b739712ce1174580", "secrets", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.hash, tt.password)
			if err != nil || got != tt.want {
				t.Fatalf("Verify = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"pbkdf2:md5:1$a$00", "plain", "scrypt:x:8:1$a$00", "pbkdf2:sha256:10$salt$zz"} {
		if _, err := Verify(bad, "x"); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", bad)
		}
	}
}
