//go:build !unix

package topology

func cpuTime() int64 { return 0 }
