package acctest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// BindDocumentedRole creates the ClusterRole the provider documentation shows (file, the one
// under examples/rbac the docs include), named namePrefix and its own name, and binds it, and
// nothing else, to the test environment's RBAC test user. A role or binding left by an earlier
// run is taken as it is. The returned function binds the role again (true) or deletes the
// binding (false). Both are deleted when the test ends: call it before NewCLI when the working
// directory's destroy needs the binding, as cleanups run last-registered first.
func BindDocumentedRole(t *testing.T, file, namePrefix string) func(bound bool) {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "examples", "rbac", file))
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(b, &role); err != nil {
		t.Fatal(err)
	}
	role.Name = namePrefix + role.Name
	ctx, rbac := context.Background(), Kube(t).RbacV1()
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role.Name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: testenv.RBACTestUser}},
	}
	if _, err := rbac.ClusterRoles().Create(ctx, &role, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = rbac.ClusterRoleBindings().Delete(ctx, binding.Name, metav1.DeleteOptions{})
		_ = rbac.ClusterRoles().Delete(ctx, role.Name, metav1.DeleteOptions{})
	})
	bind := func(bound bool) {
		t.Helper()
		var err error
		if bound {
			_, err = rbac.ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{})
		} else {
			err = rbac.ClusterRoleBindings().Delete(ctx, binding.Name, metav1.DeleteOptions{})
		}
		if err != nil && (!bound || !apierrors.IsAlreadyExists(err)) {
			t.Fatal(err)
		}
	}
	bind(true)
	return bind
}
