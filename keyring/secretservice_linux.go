package keyring

import (
	"errors"
	"fmt"

	"github.com/godbus/dbus"
)

// secretServiceReady checks that the collection exists and is unlocked. A
// locked collection would make every call ask for an unlock prompt, which a
// headless or SSH session cannot show: the library then carries on and the
// store fails on the first write. Reporting it at open says what to do.
func secretServiceReady(collection string) error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	path := dbus.ObjectPath("/org/freedesktop/secrets/collection/" + collection)
	v, err := conn.Object("org.freedesktop.secrets", path).GetProperty("org.freedesktop.Secret.Collection.Locked")
	if err != nil {
		return fmt.Errorf("collection %q not found (%v); create and unlock it with your desktop's keyring tool", collection, err)
	}
	if locked, ok := v.Value().(bool); !ok {
		return errors.New("unexpected answer from the Secret Service")
	} else if locked {
		return fmt.Errorf("collection %q is locked and no unlock prompt can be shown in this session; unlock it (log in to the desktop, or `gnome-keyring-daemon --unlock`)", collection)
	}
	return nil
}
