package calico

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	core, err := c.coreAPI(ctx)
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
			c.namespaceErr = classify(err, "", "Namespace", "calico-system")
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

// WritePasswordSecret creates or updates the Secret holding a peer's password. A Secret of that
// name that the provider did not create is never overwritten.
func (c *Client) WritePasswordSecret(ctx context.Context, peer, password string) (namespace, name string, err error) {
	core, err := c.coreAPI(ctx)
	if err != nil {
		return "", "", err
	}
	namespace, err = c.CalicoNodeNamespace(ctx)
	if err != nil {
		return "", "", err
	}
	name = PasswordSecretName(peer)
	secrets := core.Secrets(namespace)
	existing, err := secrets.Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		_, err = secrets.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{
				Name: name, Namespace: namespace,
				Labels:      map[string]string{ManagedByLabel: ManagedByValue},
				Annotations: map[string]string{passwordForAnnotation: peer},
			},
			Type:       corev1.SecretTypeOpaque,
			StringData: map[string]string{PasswordSecretKey: password},
		}, metav1.CreateOptions{})
	case err != nil:
	case existing.Labels[ManagedByLabel] != ManagedByValue:
		return "", "", &Error{Class: ErrNotOwned, Kind: "Secret", Name: namespace + "/" + name}
	default:
		existing.Data = map[string][]byte{PasswordSecretKey: []byte(password)}
		_, err = secrets.Update(ctx, existing, metav1.UpdateOptions{})
	}
	if err != nil {
		return "", "", classify(err, "", "Secret", namespace+"/"+name)
	}
	return namespace, name, nil
}

// CheckPasswordSecretOwned fails with ErrNotOwned when a Secret of the name a peer's password
// would be kept in exists and was not created by the provider.
func (c *Client) CheckPasswordSecretOwned(ctx context.Context, peer string) error {
	core, err := c.coreAPI(ctx)
	if err != nil {
		return err
	}
	namespace, err := c.CalicoNodeNamespace(ctx)
	if err != nil {
		return err
	}
	name := PasswordSecretName(peer)
	existing, err := core.Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return classify(err, "", "Secret", namespace+"/"+name)
	case existing.Labels[ManagedByLabel] != ManagedByValue:
		return &Error{Class: ErrNotOwned, Kind: "Secret", Name: namespace + "/" + name}
	}
	return nil
}

// DeletePasswordSecret deletes a peer's password Secret if the provider created it.
func (c *Client) DeletePasswordSecret(ctx context.Context, peer string) error {
	core, err := c.coreAPI(ctx)
	if err != nil {
		return err
	}
	namespace, err := c.CalicoNodeNamespace(ctx)
	if err != nil {
		return err
	}
	name := PasswordSecretName(peer)
	secrets := core.Secrets(namespace)
	existing, err := secrets.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return classify(err, "", "Secret", namespace+"/"+name)
	}
	if existing.Labels[ManagedByLabel] != ManagedByValue {
		return nil
	}
	uid := existing.UID
	err = secrets.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return classify(err, "", "Secret", namespace+"/"+name)
}
