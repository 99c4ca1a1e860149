# Seconds per identity against the number of identities, log-log, one panel per key type.
set terminal pngcairo size 1000,450 font ",10" noenhanced
set output outfile
set multiplot layout 1,2
set logscale xy
set grid
set xlabel "identities"
set ylabel "seconds per identity"
set key top right
do for [i=0:1] {
  set title (i == 0 ? "EC P-256, all formats" : "RSA-2048, all formats")
  plot datafile index i using 1:4 with linespoints title "seed recipe (keytool + openssl)", \
       datafile index i using 1:5 with linespoints title "openssl CLI", \
       datafile index i using 1:2 with linespoints title "certmint apply", \
       datafile index i using 1:3 with lines dashtype 2 title "crypto floor (all cores)"
}
unset multiplot
