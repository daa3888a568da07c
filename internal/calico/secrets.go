package calico

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/gentype"
)

// Secrets the provider creates for write-only BGP passwords carry these marks, so that it only
// ever changes or deletes Secrets it created.
const (
	ManagedByLabel        = "app.kubernetes.io/managed-by"
	ManagedByValue        = "terraform-provider-calico"
	PasswordSecretKey     = "password"
	passwordForAnnotation = "projectcalico.org/bgp-password-for"
)

// CalicoNodeNamespace is where calico-node runs, and so where BGP password Secrets must be:
// the configured namespace, else calico-system when it exists (operator installs), else
// kube-system (manifest installs). It is looked up once per provider process.
func (c *Client) CalicoNodeNamespace(ctx context.Context) (string, error) {
	core, err := c.secretsAPI(ctx)
	if err != nil {
		return "", err
	}
	c.namespaceOnce.Do(func() {
		if c.cfg.CalicoNodeNamespace != "" {
			c.namespace = c.cfg.CalicoNodeNamespace
			return
		}
		_, err := core.Namespaces().Get(ctx, "calico-system", metav1.GetOptions{})
		switch {
		case err == nil:
			c.namespace = "calico-system"
		case apierrors.IsNotFound(err):
			c.namespace = "kube-system"
		default:
			c.namespaceErr = classify(err, OpRead, location{}, "Namespace", "calico-system")
		}
	})
	return c.namespace, c.namespaceErr
}

// PasswordSecretName is the Secret that holds the write-only password of a BGP peer.
func PasswordSecretName(peer string) string {
	name := "bgp-password-" + peer
	if len(name) <= 253 {
		return name
	}
	sum := sha256.Sum256([]byte(peer))
	return name[:253-13] + "-" + hex.EncodeToString(sum[:])[:12]
}

// passwordSecret is where a peer's write-only password is kept, and the Secret found there.
type passwordSecret struct {
	secrets         *gentype.ClientWithList[*corev1.Secret, *corev1.SecretList]
	namespace, name string
	existing        *corev1.Secret // nil when there is none
}

func (p passwordSecret) ref() string { return p.namespace + "/" + p.name }

// lookUpPasswordSecret reads the Secret a peer's password is kept in, if there is one.
func (c *Client) lookUpPasswordSecret(ctx context.Context, peer string) (passwordSecret, error) {
	core, err := c.secretsAPI(ctx)
	if err != nil {
		return passwordSecret{}, err
	}
	namespace, err := c.CalicoNodeNamespace(ctx)
	if err != nil {
		return passwordSecret{}, err
	}
	p := passwordSecret{secrets: core.Secrets(namespace), namespace: namespace, name: PasswordSecretName(peer)}
	existing, err := p.secrets.Get(ctx, p.name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return p, classify(err, OpRead, location{}, "Secret", p.ref())
	default:
		p.existing = existing
	}
	return p, nil
}

// notOwned is the error for a Secret of the provider's chosen name that someone else created.
func (p passwordSecret) notOwned() error {
	if p.existing != nil && p.existing.Labels[ManagedByLabel] != ManagedByValue {
		return &Error{Class: ErrNotOwned, Kind: "Secret", Name: p.ref()}
	}
	return nil
}

// WritePasswordSecret creates or updates the Secret holding a peer's password. A Secret of that
// name that the provider did not create is never overwritten.
func (c *Client) WritePasswordSecret(ctx context.Context, peer, password string) (namespace, name string, err error) {
	p, err := c.lookUpPasswordSecret(ctx, peer)
	if err != nil {
		return "", "", err
	}
	if err := p.notOwned(); err != nil {
		return "", "", err
	}
	op := OpCreate
	if p.existing == nil {
		_, err = p.secrets.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{
				Name: p.name, Namespace: p.namespace,
				Labels:      map[string]string{ManagedByLabel: ManagedByValue},
				Annotations: map[string]string{passwordForAnnotation: peer},
			},
			Type:       corev1.SecretTypeOpaque,
			StringData: map[string]string{PasswordSecretKey: password},
		}, metav1.CreateOptions{})
	} else {
		op = OpUpdate
		p.existing.Data = map[string][]byte{PasswordSecretKey: []byte(password)}
		_, err = p.secrets.Update(ctx, p.existing, metav1.UpdateOptions{})
	}
	if err != nil {
		return "", "", classify(err, op, location{}, "Secret", p.ref())
	}
	return p.namespace, p.name, nil
}

// CheckPasswordSecretOwned fails with ErrNotOwned when a Secret of the name a peer's password
// would be kept in exists and was not created by the provider.
func (c *Client) CheckPasswordSecretOwned(ctx context.Context, peer string) error {
	p, err := c.lookUpPasswordSecret(ctx, peer)
	if err != nil {
		return err
	}
	return p.notOwned()
}

// DeletePasswordSecret deletes a peer's password Secret if the provider created it.
func (c *Client) DeletePasswordSecret(ctx context.Context, peer string) error {
	p, err := c.lookUpPasswordSecret(ctx, peer)
	if err != nil || p.existing == nil || p.notOwned() != nil {
		return err
	}
	return p.delete(ctx)
}

// DeleteOrphanedPasswordSecret deletes a peer's password Secret that no state records (the
// state that did was lost, and the peer imported) only when the Secret itself proves that the
// provider made it for that peer: its managed-by label, and the peer named in its annotation.
func (c *Client) DeleteOrphanedPasswordSecret(ctx context.Context, peer string) error {
	p, err := c.lookUpPasswordSecret(ctx, peer)
	if err != nil || p.existing == nil || p.notOwned() != nil || p.existing.Annotations[passwordForAnnotation] != peer {
		return err
	}
	return p.delete(ctx)
}

// delete deletes the Secret that was looked up, and no later one of the same name.
func (p passwordSecret) delete(ctx context.Context) error {
	uid := p.existing.UID
	err := p.secrets.Delete(ctx, p.name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return classify(err, OpDelete, location{}, "Secret", p.ref())
}
