#!/bin/sh
# Makes the two demo pictures in this folder with ffmpeg's own generators (no photograph is
# copied from anywhere). Run from anywhere: Samples/Pictures/make_pictures.sh
#   photo.jpg     640x480: a Mandelbrot-set view, detailed enough for a blur to show
#   building.jpg  640x480: a drawn house (walls, roof, door, windows) on a sky and a lawn, whose
#                 straight edges a Sobel filter finds
set -eu
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "mandelbrot=size=640x480:start_scale=0.03:end_scale=0.03:end_pts=1:inner=period,format=yuvj420p" \
  -frames:v 1 -q:v 3 photo.jpg
# The roof is a triangle drawn with geq: inside it when |x - 320| < (y - 90) * 1.6 for 90 < y < 200.
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=0x87b5e0:size=640x480,format=rgb24" \
  -vf "drawbox=x=0:y=380:w=640:h=100:color=0x4f8a3a:t=fill,\
drawbox=x=160:y=200:w=320:h=190:color=0xd8c7a0:t=fill,\
drawbox=x=400:y=70:w=30:h=70:color=0x6e6e6e:t=fill,\
geq=r='if(between(Y,90,200)*lt(abs(X-320),(Y-90)*1.6),150,r(X,Y))':g='if(between(Y,90,200)*lt(abs(X-320),(Y-90)*1.6),52,g(X,Y))':b='if(between(Y,90,200)*lt(abs(X-320),(Y-90)*1.6),40,b(X,Y))',\
drawbox=x=290:y=290:w=60:h=100:color=0x5b3a22:t=fill,\
drawbox=x=190:y=230:w=70:h=60:color=0x33506e:t=fill,drawbox=x=190:y=230:w=70:h=60:color=white:t=4,\
drawbox=x=380:y=230:w=70:h=60:color=0x33506e:t=fill,drawbox=x=380:y=230:w=70:h=60:color=white:t=4,\
format=yuvj420p" \
  -frames:v 1 -q:v 3 building.jpg
