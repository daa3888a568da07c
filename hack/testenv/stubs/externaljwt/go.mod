module k8s.io/externaljwt

go 1.24
