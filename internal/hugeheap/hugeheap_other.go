//go:build !linux

package hugeheap

func advise(func(string) string) bool { return false }
