package ibm

import (
	"context"

	"github.com/IBM/go-sdk-core/v5/core"
)

// calls are a type's functions when each acts through one API client: bind
// makes the client, so each function says only what the type itself does.
type calls[A any] struct {
	find   func(ctx context.Context, o *op, api A, in props) (string, error)
	create func(ctx context.Context, o *op, api A, in props) (string, error)
	read   func(ctx context.Context, o *op, api A, id string, in props) (*state, error)
	update func(ctx context.Context, o *op, api A, id string, olds, news props) error
	del    func(ctx context.Context, o *op, api A, id string, in props) error
}

// bind sets k's functions to c's, each handed the client that client makes
// of its inputs (of the new inputs, for an update).
func bind[A any](k *kind, client func(o *op, in props) (A, error), c calls[A]) *kind {
	if c.find != nil {
		k.find = func(ctx context.Context, o *op, in props) (string, error) {
			api, err := client(o, in)
			if err != nil {
				return "", err
			}
			return c.find(ctx, o, api, in)
		}
	}
	if c.create != nil {
		k.create = func(ctx context.Context, o *op, in props) (string, error) {
			api, err := client(o, in)
			if err != nil {
				return "", err
			}
			return c.create(ctx, o, api, in)
		}
	}
	if c.read != nil {
		k.read = func(ctx context.Context, o *op, id string, in props) (*state, error) {
			api, err := client(o, in)
			if err != nil {
				return nil, err
			}
			return c.read(ctx, o, api, id, in)
		}
	}
	if c.update != nil {
		k.update = func(ctx context.Context, o *op, id string, olds, news props) error {
			api, err := client(o, news)
			if err != nil {
				return err
			}
			return c.update(ctx, o, api, id, olds, news)
		}
	}
	if c.del != nil {
		k.del = func(ctx context.Context, o *op, id string, in props) error {
			api, err := client(o, in)
			if err != nil {
				return err
			}
			return c.del(ctx, o, api, id, in)
		}
	}
	return k
}

// shared adapts a client that is the same whatever the inputs.
func shared[A any](f func(*clients) (A, error)) func(*op, props) (A, error) {
	return func(o *op, _ props) (A, error) { return f(o.c) }
}

// gone tells a read's outcome: the resource is gone (404), or the read
// failed, as an error naming the resource.
func (o *op) gone(resp *core.DetailedResponse, err error) (bool, error) {
	if notFound(resp) {
		return true, nil
	}
	return false, o.apiError("read", err, resp)
}

// created is a create's outcome: the id the API gave the new resource (id
// is called only when the call succeeded, its answer being nil otherwise),
// or the refusal, as an error naming the resource.
func (o *op) created(resp *core.DetailedResponse, err error, id func() *string) (string, error) {
	if err != nil {
		return "", o.apiError("create", err, resp)
	}
	return deref(id()), nil
}

// deleted is a delete's outcome: deleting what is already gone succeeds.
func (o *op) deleted(resp *core.DetailedResponse, err error) error {
	if notFound(resp) {
		return nil
	}
	return o.apiError("delete", err, resp)
}

// allPager is an SDK pager: it lists every page of a collection.
type allPager[T any] interface {
	GetAllWithContext(ctx context.Context) ([]T, error)
}

// listAll lists a collection through a pager, whose making failed with err
// if it did; what names the listing in errors.
func listAll[T any, P allPager[T]](ctx context.Context, o *op, what string, p P, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	all, err := p.GetAllWithContext(ctx)
	if err != nil {
		return nil, o.apiError(what, err, nil)
	}
	return all, nil
}

// named is the id of the first item called name, "" when there is none.
// nameID tells an item's name and id.
func named[T any](items []T, name string, nameID func(T) (name, id *string)) string {
	for _, it := range items {
		if n, id := nameID(it); deref(n) == name {
			return deref(id)
		}
	}
	return ""
}

// findNamed finds, through a pager, the item called name: what a retried
// create looks for.
func findNamed[T any, P allPager[T]](ctx context.Context, o *op, what, name string, p P, err error, nameID func(T) (name, id *string)) (string, error) {
	all, err := listAll(ctx, o, what, p, err)
	if err != nil {
		return "", err
	}
	return named(all, name, nameID), nil
}

// inAccount hands a find or create the id of the account the provider acts
// in, which most IBM list and create calls name.
func inAccount[A any](f func(ctx context.Context, o *op, api A, in props, acct string) (string, error)) func(context.Context, *op, A, props) (string, error) {
	return func(ctx context.Context, o *op, api A, in props) (string, error) {
		acct, err := o.c.accountID()
		if err != nil {
			return "", err
		}
		return f(ctx, o, api, in, acct)
	}
}
